// Progress on stderr for long runs. On a terminal: one line, redrawn at most a few times a second
// once the run has taken a second, erased at the end. Elsewhere (a log, a CI job): a plain line
// every 10 s, so a long run is never silent; `lines` (--progress): a plain line every second.

export type ProgressMode = 'terminal' | 'lines' | 'slow-lines';

export class Progress {
  private shown = false;
  private lastDrawMs: number;
  private readonly startMs = performance.now();
  private readonly everyMs: number;

  constructor(private readonly mode: ProgressMode) {
    this.everyMs = mode === 'terminal' ? 200 : mode === 'lines' ? 1000 : 10_000;
    // The first line comes after a second on a terminal, after one interval elsewhere.
    this.lastDrawMs = mode === 'terminal' ? this.startMs + 800 : this.startMs;
  }

  update(text: () => string): void {
    const now = performance.now();
    if (now - this.lastDrawMs < this.everyMs) return;
    this.lastDrawMs = now;
    const line = `${text()} · ${((now - this.startMs) / 1000).toFixed(1)} s`;
    if (this.mode === 'terminal') {
      this.shown = true;
      process.stderr.write(`\r\x1b[2K${line}`);
    } else process.stderr.write(`progress: ${line}\n`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}
