// A progress bar for sweeps and compares on stderr (a plain line every 10 s when it is not a
// terminal): runs done of the total, failures, and an ETA from the pace so far. Redrawn on every
// result and on a timer, so a long run between results still shows time passing.

import { Progress } from '../cli/progress';
import type { ProgressMode } from '../cli/progress';
import type { PoolProgress } from './pool';

const BAR_WIDTH = 24;

export class RunProgress {
  private readonly progress: Progress;
  private readonly startMs = performance.now();
  private state: PoolProgress;
  private readonly timer: NodeJS.Timeout | null;
  private closed = false;

  constructor(mode: ProgressMode, total: number) {
    this.progress = new Progress(mode);
    this.state = { done: 0, failed: 0, total };
    this.timer = setInterval(() => this.draw(), 500);
    this.timer?.unref();
  }

  update(p: PoolProgress): void {
    this.state = p;
    if (!this.closed) this.draw();
  }

  /** Erases the bar; safe to call more than once. */
  done(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.progress.done();
  }

  private draw(): void {
    this.progress.update(() => progressLine(this.state, performance.now() - this.startMs));
  }
}

/** `[██████░░░░] 12/40 runs · 1 failed · ETA 8 s` */
export function progressLine(p: PoolProgress, elapsedMs: number): string {
  const filled = p.total === 0 ? BAR_WIDTH : Math.round((p.done / p.total) * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const failed = p.failed > 0 ? ` · ${p.failed} failed` : '';
  const eta =
    p.done > 0 && p.done < p.total
      ? ` · ETA ${formatSeconds(((p.total - p.done) * elapsedMs) / p.done / 1000)}`
      : '';
  return `[${bar}] ${p.done}/${p.total} runs${failed}${eta}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
