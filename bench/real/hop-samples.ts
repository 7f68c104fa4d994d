// One network hop as the simulator models it (producer → broker, broker → consumer, ack back),
// measured on a live run. The best witness is a starved consumer: it acks, holds nothing, and the
// broker had a message waiting, so the time from the end of its processing to the start of the
// next is the ack's hop plus the delivery's hop; the broker's dispatch and the client's own
// handling on both sides are in it too, as the simulator has nowhere else to put them.
// Where no consumer starves (a large prefetch, a light load), half the publisher-confirm round
// trip stands in.

import { Outcome } from './consumer-protocol';
import type { RealRecords } from './real-report';

/** At least this many starved gaps make a distribution worth more than the confirm round trips. */
const MIN_GAPS = 50;

export interface HopSamples {
  /** ms, one per observation */
  values: number[];
  source: 'consumer gaps' | 'publisher confirms';
}

/** Times (ms) from an ack that left a consumer empty to the start of its next waiting message. */
export function starvedGaps(rec: RealRecords, instances: number): number[] {
  const enqueued = new Map<string, number>();
  // Surely on the broker once confirmed: a message merely sent may still be on its way, and
  // the wait for it is no hop of the consumer's.
  for (const p of rec.publishes) if (p.confirmed !== null) enqueued.set(p.id, p.confirmed);
  type Ev = { t: number; receipt: boolean; id: string; redelivered: boolean; frees: boolean };
  const byInstance: Ev[][] = Array.from({ length: instances }, () => []);
  for (const r of rec.receipts)
    byInstance[r.instance].push({
      t: r.t,
      receipt: true,
      id: r.id,
      redelivered: r.redelivered,
      frees: false,
    });
  for (const d of rec.done)
    byInstance[d.instance].push({
      t: d.end,
      receipt: false,
      id: d.id,
      redelivered: false,
      // Only a settlement the broker hears frees a prefetch slot.
      frees: d.outcome === Outcome.acked || d.outcome === Outcome.failed,
    });
  const crashes = new Set(rec.crashes.map((c) => c.instance));
  const gaps: number[] = [];
  // (instance, id) → when the consumer went empty before that message reached it.
  const idleSince = new Map<string, number>();
  byInstance.forEach((evs, i) => {
    if (crashes.has(i)) return; // a restart's reconnect is not a hop
    evs.sort((a, b) => a.t - b.t || Number(a.receipt) - Number(b.receipt));
    let held = 0;
    let emptySince: number | null = null;
    for (const e of evs) {
      if (e.receipt) {
        const waiting = enqueued.get(e.id);
        if (emptySince !== null && !e.redelivered && waiting !== undefined && waiting < emptySince)
          idleSince.set(`${i} ${e.id}`, emptySince);
        held++;
        emptySince = null;
      } else {
        held = Math.max(0, held - 1);
        emptySince = held === 0 && e.frees ? e.t : null;
      }
    }
  });
  for (const d of rec.done) {
    const since = idleSince.get(`${d.instance} ${d.id}`);
    if (since !== undefined && d.sampled > 0) gaps.push(d.start - since);
  }
  return gaps;
}

export function hopSamples(rec: RealRecords, instances: number): HopSamples {
  const gaps = starvedGaps(rec, instances);
  if (gaps.length >= MIN_GAPS) return { values: gaps.map((g) => g / 2), source: 'consumer gaps' };
  return {
    values: rec.publishes.flatMap((p) =>
      p.confirmed === null ? [] : [(p.confirmed - p.sent) / 2],
    ),
    source: 'publisher confirms',
  };
}
