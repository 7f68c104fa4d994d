// Progress on stderr for long runs: shown only when stderr is a terminal and the run has taken
// more than a second, redrawn at most a few times a second, erased at the end.

export class Progress {
  private shown = false;
  private lastDrawMs = 0;
  private readonly startMs = performance.now();

  constructor(private readonly enabled: boolean) {}

  update(text: () => string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.startMs < 1000 || now - this.lastDrawMs < 200) return;
    this.lastDrawMs = now;
    this.shown = true;
    process.stderr.write(`\r\x1b[2K${text()} · ${((now - this.startMs) / 1000).toFixed(1)} s`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
  }
}
