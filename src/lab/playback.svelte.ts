// The playback clock: simulated time on screen advances at `speed` × wall time (or as fast as the
// engines go at "max"), never past what every run's engine has computed, so runs compared side by
// side always show the same instant. Engines are asked for frames ahead of the clock.

import type { RunView } from './run-view.svelte';
import { ANOMALY_VIEWS } from './anomalies';

/** Speeds offered on the slider: 0.1× … 1000× real time. */
export const MIN_SPEED = 0.1;
export const MAX_SPEED = 1000;
/** Fetch this much wall time of playback ahead, in frames of a tenth of it. */
const LOOKAHEAD_MS = 300;
const FRAME_MS = 60;
/** At "max", each request runs the engine for this long (ms) before replying, three requests
 * stay queued so the engine never waits for the main thread, and frames are thinned to a few
 * thousand events (the main thread shares two cores with the engine). */
const MAX_BUDGET_MS = 100;
const MAX_QUEUED = 3;
const MAX_FRAME_EVENTS = 3000;
/** At "max", counters and charts refresh at most this often (ms). */
const MAX_QUIET_MS = 400;
/** The speed reached is judged over this much wall time (ms); below this share of the speed
 * asked for, with the engine holding the clock most of that time, the lab says so. */
const REACHED_WINDOW_MS = 1000;
const REACHED_SHARE = 0.8;
/** Slow motion: at an anomaly the clock stops on it and runs at a tenth of the speed for this
 * long (wall ms), then keeps the speed for at least as long before slowing for the next one, so
 * a storm of redeliveries is one slow moment, not a slow run. */
const SLOW_MS = 1500;
const SLOW_FACTOR = 0.1;

export class Playback {
  playing = $state(false);
  speed = $state(1);
  max = $state(false);
  /** Simulated time on screen, µs. */
  displayUs = $state(0);
  /**
   * The speed actually shown (× real time) while the engine cannot compute the run as fast as
   * `speed` asks; null while it keeps up (or at Max, or paused).
   */
  reached = $state<number | null>(null);
  /** Slow down at anomalies (not at Max). */
  slowMotion = $state(true);
  /** The clock is running slowly at an anomaly now, and what it is ('a redelivery'). */
  slowed = $state(false);
  slowedAt = $state('');
  private slowUntilMs = 0;
  private calmUntilMs = 0;
  private windowWallMs = 0;
  private windowSimUs = 0;
  private windowHeldMs = 0;
  runs: RunView[] = [];
  private raf = 0;
  private lastWallMs = 0;
  get endUs(): number {
    return Math.max(0, ...this.runs.map((r) => r.model?.durationUs ?? 0));
  }

  /** The speed the clock runs at: the one asked for, or a tenth of it at an anomaly. */
  get shownSpeed(): number {
    return this.slowed ? Math.max(MIN_SPEED, this.speed * SLOW_FACTOR) : this.speed;
  }

  get finished(): boolean {
    return this.runs.length > 0 && this.runs.every((r) => r.done);
  }

  start(): void {
    if (this.raf !== 0) return;
    this.lastWallMs = performance.now();
    const loop = (now: number) => {
      this.tick(now);
      this.raf = requestAnimationFrame(loop);
    };
    this.raf = requestAnimationFrame(loop);
  }

  stop(): void {
    cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  play(): void {
    if (this.finished) return;
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Shows the next event (of the earliest run), fetching it from the engine if need be. */
  async step(): Promise<void> {
    this.pause();
    const next = this.runs.map((r) => r.nextEventUs()).filter((t): t is number => t !== null);
    if (next.length > 0) {
      this.displayUs = Math.max(this.displayUs, Math.min(...next));
    } else {
      const times = await Promise.all(this.runs.filter((r) => !r.done).map((r) => r.stepEngine()));
      if (times.length > 0) this.displayUs = Math.max(this.displayUs, Math.min(...times));
    }
    for (const r of this.runs) r.applyUpTo(this.displayUs);
  }

  rewind(): void {
    this.playing = false;
    this.displayUs = 0;
  }

  /** Shows simulated time `us` in every run, forwards or back; playing goes on from there. */
  async seek(us: number): Promise<void> {
    const end = this.endUs;
    const to = Math.max(0, Math.min(Math.round(us), Number.isFinite(end) ? end : us));
    this.displayUs = to;
    await Promise.all(this.runs.map((r) => r.seek(to)));
  }

  /** Goes back to just before the latest instant at which something happened, and pauses. */
  async stepBack(): Promise<void> {
    this.pause();
    const latest = Math.max(...this.runs.map((r) => r.latestEventUs()));
    await this.seek(Math.min(this.displayUs, latest) - 1);
  }

  private tick(now: number): void {
    const dt = Math.min(250, now - this.lastWallMs);
    this.lastWallMs = now;
    if (this.playing) {
      const fetched = Math.min(...this.runs.map((r) => (r.done ? Infinity : r.fetchedUs)));
      if (this.max) {
        for (const r of this.runs)
          while (!r.done && r.busy < MAX_QUEUED)
            void r.fetch(Infinity, MAX_BUDGET_MS, MAX_FRAME_EVENTS);
        this.displayUs = Math.max(this.displayUs, Math.min(fetched, this.endUs));
      } else {
        if (this.slowed && (now >= this.slowUntilMs || !this.slowMotion)) this.slowed = false;
        const perMs = this.shownSpeed * 1000; // simulated µs per wall ms
        let target = this.displayUs + dt * perMs;
        if (this.slowMotion && !this.slowed && now >= this.calmUntilMs && this.speed > MIN_SPEED) {
          let first: { timeUs: number; kind: number } | null = null;
          for (const r of this.runs) {
            const a = r.anomalyBefore(target);
            if (a !== null && (first === null || a.timeUs < first.timeUs)) first = a;
          }
          if (first !== null) {
            target = Math.max(this.displayUs, first.timeUs);
            this.slowed = true;
            this.slowedAt = ANOMALY_VIEWS[first.kind].an;
            this.slowUntilMs = now + SLOW_MS;
            this.calmUntilMs = now + 2 * SLOW_MS;
          }
        }
        for (const r of this.runs) {
          const want = target + LOOKAHEAD_MS * perMs;
          if (!r.done && r.busy === 0 && r.fetchedUs < want)
            void r.fetch(Math.max(r.fetchedUs + 1, target + FRAME_MS * perMs), 50);
        }
        const before = this.displayUs;
        this.displayUs = Math.max(this.displayUs, Math.min(target, fetched, this.endUs));
        this.trackReached(dt, this.displayUs - before, fetched < target && fetched < this.endUs);
      }
      for (const r of this.runs) r.applyUpTo(this.displayUs, this.max ? MAX_QUIET_MS : 0);
      if (this.finished) this.playing = false;
    }
    if (!this.playing || this.max) this.trackReached(0, 0, false, true);
  }

  /** Folds a tick into the current window and, once a window is full, judges the speed reached. */
  private trackReached(wallMs: number, simUs: number, held: boolean, reset = false): void {
    if (reset) {
      this.windowWallMs = this.windowSimUs = this.windowHeldMs = 0;
      if (this.reached !== null) this.reached = null;
      return;
    }
    this.windowWallMs += wallMs;
    this.windowSimUs += simUs;
    if (held) this.windowHeldMs += wallMs;
    if (this.windowWallMs < REACHED_WINDOW_MS) return;
    const speed = this.windowSimUs / (this.windowWallMs * 1000);
    const short =
      this.windowHeldMs > this.windowWallMs / 2 && speed < REACHED_SHARE * this.shownSpeed;
    this.reached = short ? speed : null;
    this.windowWallMs = this.windowSimUs = this.windowHeldMs = 0;
  }
}
