// Checkpoints of the lab's run, so a seek back replays from the nearest one instead of from
// zero: a copy of the run (engine, collector, series, and the lab's per-run cursors) every so
// many events. The event log is not copied: it is one tape of this run, and a restore winds it
// back to where it stood (later checkpoints are dropped then, as the tape after them is void).
// A checkpoint is taken only while the kept log is whole (not at "max", which logs a sample),
// so a seek lands on the log a replay from zero would have given.

import type { Simulation } from '../../sim-core/index';
import type { AnomalyRecorder } from './anomaly-recorder';
import { cloneGraph } from './clone-graph';
import type { EventLog } from './event-log';
import type { LiveMetrics } from './live-metrics';

/**
 * Engine events between checkpoints at first: a restore replays at most this many, ~50 ms in
 * the lab (which logs every event); a copy of the run costs ~1 ms, 2% of that.
 */
export const CHECKPOINT_EVERY = 25_000;
/** Past this many, every other one goes and the spacing doubles: memory stays bounded. */
export const MAX_CHECKPOINTS = 32;

/** What a checkpoint copies: the run and the observers whose cursors follow it. */
export interface RunParts {
  sim: Simulation;
  live: LiveMetrics;
  anomalies: AnomalyRecorder;
}

interface Checkpoint {
  timeUs: number;
  events: number;
  run: RunParts;
  logTotal: number;
  skippedAt: number;
}

export class Checkpoints {
  private list: Checkpoint[] = [];
  private every: number;

  /**
   * `shared`: what a copy references instead of copying — the scenario, the log, and what the
   * observers keep across replays (series points, anomalies).
   */
  constructor(
    private readonly log: EventLog,
    private readonly shared: ReadonlySet<object>,
    every = CHECKPOINT_EVERY,
  ) {
    this.every = every;
  }

  get count(): number {
    return this.list.length;
  }

  /** Takes a checkpoint if the run is far enough past the last one and the kept log is whole. */
  offer(run: RunParts): void {
    const last = this.list.at(-1);
    if (last !== undefined && run.sim.events - last.events < this.every) return;
    if (this.log.sampleMask !== 0 || this.log.partial) return;
    this.list.push({
      timeUs: run.sim.nowUs,
      events: run.sim.events,
      run: cloneGraph(run, this.shared),
      logTotal: this.log.total,
      skippedAt: this.log.skippedAt,
    });
    if (this.list.length > MAX_CHECKPOINTS) {
      this.list = this.list.filter((_, i) => i % 2 === 0);
      this.every *= 2;
    }
  }

  /**
   * The run as it stood at the latest checkpoint at or before `us` (the first one is at time 0),
   * with the log wound back to match. Later checkpoints are dropped.
   */
  restore(us: number): RunParts {
    let i = this.list.length - 1;
    while (i > 0 && this.list[i].timeUs > us) i--;
    const cp = this.list[i];
    this.list.length = i + 1;
    this.log.rewindTo(cp.logTotal, cp.skippedAt);
    return cloneGraph(cp.run, this.shared);
  }
}
