// The counters the lab shows, what each means in one sentence, and the message-state colour of
// the ones that signal trouble.

import type { Totals } from '../../sim-core/index';
import { STATE_COLOURS } from '../topology/palette';

export type CounterKey = keyof Totals;

export interface CounterDef {
  key: CounterKey;
  label: string;
  /** One sentence, starting with the label. */
  explain: string;
  /** Colour of the small marker beside the label (the message state it counts). */
  marker?: string;
  /** Whether a non-zero value signals trouble (the counter is then highlighted). */
  trouble?: boolean;
  /** Highlight colour when in trouble; a CSS colour (may be a variable). */
  alert?: string;
  /** Shown only when non-zero. */
  optional?: boolean;
}

export const COUNTERS: CounterDef[] = [
  {
    key: 'published',
    label: 'Published',
    explain: 'Published: publish attempts by the producers, producer retries included.',
    marker: STATE_COLOURS.first,
  },
  {
    key: 'enqueued',
    label: 'Enqueued',
    explain:
      'Enqueued: copies accepted into queues, subscriptions and logs — more than the publishes when a topic or an exchange fans a message out.',
    marker: STATE_COLOURS.first,
    optional: true,
  },
  {
    key: 'processed',
    label: 'Processed',
    explain:
      'Processed: messages whose processing completed at least once (a topic counts one copy per subscription).',
    marker: STATE_COLOURS.acked,
  },
  {
    key: 'redelivered',
    label: 'Redelivered',
    explain:
      'Redelivered: deliveries of a message that had been delivered before, because its consumer crashed, nacked it or did not ack it in time.',
    marker: STATE_COLOURS.redelivery,
    trouble: true,
    alert: STATE_COLOURS.redelivery,
  },
  {
    key: 'duplicatesProcessed',
    label: 'Duplicates',
    explain:
      'Duplicates: messages whose side effect ran more than once — a consumer processed them, but its ack never reached the broker, so another consumer got them again.',
    marker: STATE_COLOURS.duplicate,
    trouble: true,
    alert: STATE_COLOURS.duplicate,
  },
  {
    key: 'orderViolations',
    label: 'Order violations',
    explain:
      'Order violations: keyed messages that completed after a later message with the same key had already completed.',
    trouble: true,
    alert: STATE_COLOURS.duplicate,
  },
  {
    key: 'lost',
    label: 'Lost',
    explain:
      'Lost: messages gone for good without being processed — held by a crashed auto-ack consumer, in a non-durable broker that crashed, or deleted unread by log retention.',
    marker: STATE_COLOURS.lost,
    trouble: true,
    alert: STATE_COLOURS.lost,
  },
  {
    key: 'lostAcknowledged',
    label: 'Lost after confirm',
    explain:
      'Lost after confirm: messages the broker had confirmed to their producer and then lost — a transient broker crashing, or acks=1 records a failover did not keep.',
    marker: STATE_COLOURS.lost,
    trouble: true,
    alert: STATE_COLOURS.lost,
    optional: true,
  },
  {
    key: 'unavailableMs',
    label: 'No leader (ms)',
    explain:
      'No leader (ms): how long the channels had no leader to take publishes or deliver, summed over channels — a crashed node, an election.',
    optional: true,
  },
  {
    key: 'deadLettered',
    label: 'Dead-lettered',
    explain:
      'Dead-lettered: messages the broker gave up on after too many failed deliveries and moved to the dead-letter channel.',
    marker: STATE_COLOURS.deadLettered,
    trouble: true,
    alert: 'var(--text, #000)',
  },
  {
    key: 'expired',
    label: 'Expired',
    explain: 'Expired: messages whose time-to-live ran out before a consumer took them.',
    marker: STATE_COLOURS.dropped,
  },
  {
    key: 'dropped',
    label: 'Dropped',
    explain:
      'Dropped: messages pushed out of a full queue by newer ones (its length limit with drop-head).',
    marker: STATE_COLOURS.dropped,
    optional: true,
  },
  {
    key: 'unroutable',
    label: 'Unroutable',
    explain:
      'Unroutable: publishes that matched no binding, subscription filter or subscription, so no queue received them.',
    marker: STATE_COLOURS.dropped,
    optional: true,
  },
  {
    key: 'rejected',
    label: 'Rejected',
    explain:
      'Rejected: publishes the broker refused, because the queue was full (reject-publish) or the broker was down.',
    marker: STATE_COLOURS.dropped,
    optional: true,
  },
  {
    key: 'publishLost',
    label: 'Publishes lost',
    explain:
      'Publishes lost: publish attempts the network lost on their way to the broker (a confirming producer retries them).',
    marker: STATE_COLOURS.lost,
    optional: true,
  },
  {
    key: 'publishFailed',
    label: 'Publish failed',
    explain:
      'Publish failed: messages a producer gave up on after its publish retries ran out unconfirmed.',
    optional: true,
    trouble: true,
    alert: STATE_COLOURS.lost,
  },
  {
    key: 'nacked',
    label: 'Nacked',
    explain:
      'Nacked: negative acknowledgements — a consumer told the broker its processing failed, so the message is retried or dead-lettered.',
    marker: STATE_COLOURS.redelivery,
    optional: true,
  },
  {
    key: 'duplicatesEnqueued',
    label: 'Dup. enqueued',
    explain:
      'Duplicates enqueued: retried publishes the broker stored a second time because it had accepted the first attempt already (its confirm was lost or late).',
    marker: STATE_COLOURS.duplicate,
    optional: true,
    trouble: true,
    alert: STATE_COLOURS.duplicate,
  },
  {
    key: 'deduplicated',
    label: 'Deduplicated',
    explain:
      'Deduplicated: retried publishes of an idempotent producer that the broker recognised and dropped instead of storing them twice.',
    marker: STATE_COLOURS.acked,
    optional: true,
  },
  {
    key: 'duplicatesSuppressed',
    label: 'Suppressed',
    explain:
      'Duplicates suppressed: redelivered messages an idempotent consumer recognised and skipped, so their side effect did not run twice.',
    marker: STATE_COLOURS.acked,
    optional: true,
  },
];

/** The counters to show for these totals: the fixed ones, and optional ones when non-zero. */
export function visibleCounters(totals: Totals | null): CounterDef[] {
  return COUNTERS.filter((c) => !c.optional || (totals !== null && totals[c.key] > 0));
}

/** An SVG path of recent values in a w × h box (min at the bottom, max at the top). */
export function sparkPath(values: ArrayLike<number>, w: number, h: number): string {
  const n = values.length;
  if (n < 2) return '';
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return '';
  const span = hi - lo;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const x = (i / (n - 1)) * w;
    const y = span > 0 ? h - 1 - ((v - lo) / span) * (h - 2) : h - 1;
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return parts.join('');
}
