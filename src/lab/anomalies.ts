// How the lab shows an anomaly kind: a short label, its colour (the dot colours' meanings) and
// the report's one-sentence explanation (ANOMALIES), in ANOMALY_KINDS order.

import { ANOMALIES, Ev } from '../../sim-core/index';
import { ANOMALY_KINDS } from '../shared/protocol';
import { STATE_COLOURS } from '../topology/palette';

/** The one Okabe–Ito colour no dot uses: order is not a message state. */
const ORDER_COLOUR = '#F0E442';

const SHOWN: Record<(typeof ANOMALY_KINDS)[number], { label: string; colour: string; an: string }> =
  {
    redelivered: { label: 'redelivery', colour: STATE_COLOURS.redelivery, an: 'a redelivery' },
    duplicatesProcessed: { label: 'duplicate', colour: STATE_COLOURS.duplicate, an: 'a duplicate' },
    duplicatesEnqueued: {
      label: 'duplicate enqueued',
      colour: STATE_COLOURS.duplicate,
      an: 'a duplicate enqueued',
    },
    orderViolations: { label: 'out of order', colour: ORDER_COLOUR, an: 'an order violation' },
    lost: { label: 'lost', colour: STATE_COLOURS.lost, an: 'a loss' },
    deadLettered: {
      label: 'dead-lettered',
      colour: STATE_COLOURS.deadLettered,
      an: 'a dead letter',
    },
    expired: { label: 'expired', colour: STATE_COLOURS.dropped, an: 'an expiry' },
    dropped: { label: 'dropped', colour: STATE_COLOURS.dropped, an: 'a drop' },
    unroutable: { label: 'unroutable', colour: STATE_COLOURS.dropped, an: 'an unroutable publish' },
  };

export interface AnomalyKindView {
  label: string;
  colour: string;
  /** One of them, in a sentence: 'a redelivery'. */
  an: string;
  /** The report's explanation of the counter. */
  meaning: string;
}

export const ANOMALY_VIEWS: readonly AnomalyKindView[] = ANOMALY_KINDS.map((k) => ({
  ...SHOWN[k],
  meaning: ANOMALIES.find((a) => a.field === k)?.meaning ?? '',
}));

const kindIndex = (k: (typeof ANOMALY_KINDS)[number]) => ANOMALY_KINDS.indexOf(k);
const EVENT_ANOMALIES: ReadonlyMap<number, number> = new Map([
  [Ev.reprocessed, kindIndex('duplicatesProcessed')],
  [Ev.lost, kindIndex('lost')],
  [Ev.deadLettered, kindIndex('deadLettered')],
  [Ev.expired, kindIndex('expired')],
  [Ev.dropped, kindIndex('dropped')],
  [Ev.unroutable, kindIndex('unroutable')],
]);

/**
 * The anomaly (ANOMALY_KINDS index) an event of a message's life is, or −1: a redelivery, a
 * duplicate side effect, a loss, a dead letter, an expiry, a drop, an unroutable publish. (An
 * order violation or a duplicate enqueue is no event of its own.)
 */
export function eventAnomaly(kind: number, aux: number): number {
  if (kind === Ev.delivered) return aux > 1 ? kindIndex('redelivered') : -1;
  return EVENT_ANOMALIES.get(kind) ?? -1;
}

/** A tick on the time slider's strip. */
export interface TimeMark {
  us: number;
  colour: string;
  /** Ticks of one kind in one pixel column are drawn once. */
  kind: number;
}
