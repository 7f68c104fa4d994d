// The run's anomalies as a list to click: every redelivery, duplicate, out-of-order completion,
// loss, dead letter, expiry, drop and unroutable publish, with its time and message. Read off the
// collector's own counters as each event passes (the collector is every run's first observer),
// so the list counts exactly what the report counts, and ANOMALIES stays the one definition.
// Bounded: the first `limit` of each kind are kept, all are counted. It outlives a replay (a seek
// re-runs the same scenario and seed from a checkpoint) and records nothing twice.

import { Ev, eventMask } from '../../sim-core/index';
import type { SimEvent, SimObserver, Simulation, Totals } from '../../sim-core/index';
import { ANOMALY_KINDS, ANOMALY_LIMIT } from '../shared/protocol';
import type { AnomalyEntry } from '../shared/protocol';

export class AnomalyRecorder implements SimObserver {
  /** The kinds on which the collector moves one of the anomaly counters. */
  readonly kinds = eventMask(
    Ev.delivered,
    Ev.enqueued,
    Ev.processed,
    Ev.reprocessed,
    Ev.deadLettered,
    Ev.expired,
    Ev.dropped,
    Ev.lost,
    Ev.settled,
    Ev.unroutable,
  );
  /** Kept anomalies, oldest first. */
  readonly entries: AnomalyEntry[] = [];
  /** Per kind (ANOMALY_KINDS order): how many the furthest run so far had, kept or not. */
  readonly counts = new Array<number>(ANOMALY_KINDS.length).fill(0);
  /** Per kind: the counter as this recorder last read it in the current run. */
  private readonly seen = new Array<number>(ANOMALY_KINDS.length).fill(0);
  private totals: Totals | null = null;

  constructor(private readonly limit = ANOMALY_LIMIT) {}

  /** Follows a run (created with this as an observer): fresh, or a replay of the same one. */
  attach(sim: Simulation): void {
    this.totals = sim.collector.totals;
    this.seen.fill(0);
  }

  onEvent(ev: SimEvent): void {
    const t = this.totals!;
    for (let k = 0; k < ANOMALY_KINDS.length; k++) {
      const n = t[ANOMALY_KINDS[k]];
      while (this.seen[k] < n) {
        // Past what an earlier run reached: new (a replay's earlier ones are recorded already).
        if (++this.seen[k] <= this.counts[k]) continue;
        this.counts[k] = this.seen[k];
        if (this.counts[k] <= this.limit)
          this.entries.push({
            timeUs: ev.timeUs,
            kind: k,
            event: ev.kind,
            where: ev.where,
            sender: ev.sender,
            seq: ev.sender >= 0 ? ev.seq : -1,
          });
      }
    }
  }
}
