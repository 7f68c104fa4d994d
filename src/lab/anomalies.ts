// How the lab shows an anomaly kind: a short label, its colour (the dot colours' meanings) and
// the report's one-sentence explanation (ANOMALIES), in ANOMALY_KINDS order.

import { ANOMALIES } from '../../sim-core/index';
import { ANOMALY_KINDS } from '../shared/protocol';
import { STATE_COLOURS } from '../topology/palette';

/** The one Okabe–Ito colour no dot uses: order is not a message state. */
const ORDER_COLOUR = '#F0E442';

const SHOWN: Record<(typeof ANOMALY_KINDS)[number], { label: string; colour: string }> = {
  redelivered: { label: 'redelivery', colour: STATE_COLOURS.redelivery },
  duplicatesProcessed: { label: 'duplicate', colour: STATE_COLOURS.duplicate },
  duplicatesEnqueued: { label: 'duplicate enqueued', colour: STATE_COLOURS.duplicate },
  orderViolations: { label: 'out of order', colour: ORDER_COLOUR },
  lost: { label: 'lost', colour: STATE_COLOURS.lost },
  deadLettered: { label: 'dead-lettered', colour: STATE_COLOURS.deadLettered },
  expired: { label: 'expired', colour: STATE_COLOURS.dropped },
  dropped: { label: 'dropped', colour: STATE_COLOURS.dropped },
  unroutable: { label: 'unroutable', colour: STATE_COLOURS.dropped },
};

export interface AnomalyKindView {
  label: string;
  colour: string;
  /** The report's explanation of the counter. */
  meaning: string;
}

export const ANOMALY_VIEWS: readonly AnomalyKindView[] = ANOMALY_KINDS.map((k) => ({
  ...SHOWN[k],
  meaning: ANOMALIES.find((a) => a.field === k)?.meaning ?? '',
}));

/** A tick on the time slider's strip. */
export interface TimeMark {
  us: number;
  colour: string;
  /** Ticks of one kind in one pixel column are drawn once. */
  kind: number;
}
