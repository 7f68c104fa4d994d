// The event stream: the one contract between the engine and every observer (metrics, trace hash,
// trace file, UI animation). Kinds are small integers for speed; EVENT_KINDS names and explains
// each one, and feeds both the trace file and the docs.

/** Numeric event kinds, in past tense. Values are part of the trace hash: never renumber. */
export const Ev = {
  /** A producer made a publish attempt (retries included). where = producer index. */
  published: 1,
  /** The broker refused a publish (overflow reject-publish, broker down). where = queue index. */
  rejected: 2,
  /** A copy was accepted into a queue. where = queue index; aux = 1 if the copy was already accepted before. */
  enqueued: 3,
  /** The broker sent a delivery. where = instance index; aux = delivery number (1 = first). */
  delivered: 4,
  /** A delivery reached its consumer instance. where = instance index. */
  received: 5,
  /** Processing of a delivery started. where = instance index. */
  started: 6,
  /** The first completed processing of a copy (its side effect). where = instance index; aux = start time µs. */
  processed: 7,
  /** A processing attempt failed (transient failure or poison). where = instance index. */
  failed: 8,
  /** The broker removed a message on ack. where = queue index. */
  acked: 9,
  /** The broker received a negative acknowledgement. where = queue index. */
  nacked: 10,
  /** A delivered message became ready again (nack, ack timeout, crashed consumer). where = queue index. */
  requeued: 11,
  /** An unacknowledged delivery exceeded the ack timeout. where = queue index. */
  timedOut: 12,
  /** A copy was dead-lettered (or discarded with no dead-letter channel). where = queue index. */
  deadLettered: 13,
  /** A ready copy outlived its TTL. where = queue index. */
  expired: 14,
  /** A ready copy was dropped by a length limit. where = queue index. */
  dropped: 15,
  /** A copy vanished (broker or consumer crash) without being processed. where = queue index. */
  lost: 16,
  /** A retried publish was dropped by broker dedup. where = queue index. */
  deduplicated: 17,
  /** An idempotent consumer skipped a message it had already processed. where = instance index. */
  suppressed: 18,
  /** A consumer instance (where = instance index) or the broker (where = -1) crashed. */
  crashed: 19,
  /** A crashed instance or broker came back. */
  recovered: 20,
  /** The broker confirmed a publish to its producer. where = producer index. */
  confirmed: 21,
  /** A producer gave up on a message after its retries. where = producer index. */
  publishFailed: 22,
  /** Processing completed again for a copy already processed: a duplicate side effect. where = instance index; aux = start time µs. */
  reprocessed: 23,
  /** A publish reached a topic with no subscriptions and is gone. where = channel index. */
  unrouted: 24,
} as const;

export type EventKind = (typeof Ev)[keyof typeof Ev];

/** What an event's `where` index names (the broker is always -1). */
export type EventWhere = 'producer' | 'queue' | 'instance' | 'channel';

/**
 * Names, what `where` indexes, and one-line meanings, indexed by kind: used by the trace
 * writer and the docs. Producer-side indices are sender indices (producers, then emitters).
 */
export const EVENT_KINDS: ReadonlyArray<{
  kind: EventKind;
  name: string;
  where: EventWhere;
  meaning: string;
}> = [
  {
    kind: Ev.published,
    name: 'published',
    where: 'producer',
    meaning: 'a producer made a publish attempt',
  },
  { kind: Ev.rejected, name: 'rejected', where: 'queue', meaning: 'the broker refused a publish' },
  {
    kind: Ev.enqueued,
    name: 'enqueued',
    where: 'queue',
    meaning: 'a copy was accepted into a queue',
  },
  {
    kind: Ev.delivered,
    name: 'delivered',
    where: 'instance',
    meaning: 'the broker sent the message to a consumer',
  },
  {
    kind: Ev.received,
    name: 'received',
    where: 'instance',
    meaning: 'the delivery reached the consumer instance',
  },
  {
    kind: Ev.started,
    name: 'started',
    where: 'instance',
    meaning: 'a consumer started processing',
  },
  {
    kind: Ev.processed,
    name: 'processed',
    where: 'instance',
    meaning: 'processing completed: the side effect ran',
  },
  { kind: Ev.failed, name: 'failed', where: 'instance', meaning: 'a processing attempt failed' },
  {
    kind: Ev.acked,
    name: 'acked',
    where: 'queue',
    meaning: 'the broker removed the message on ack',
  },
  {
    kind: Ev.nacked,
    name: 'nacked',
    where: 'queue',
    meaning: 'the broker received a negative ack',
  },
  {
    kind: Ev.requeued,
    name: 'requeued',
    where: 'queue',
    meaning: 'an unacked message became ready again',
  },
  {
    kind: Ev.timedOut,
    name: 'timedOut',
    where: 'queue',
    meaning: 'a delivery exceeded the ack timeout',
  },
  {
    kind: Ev.deadLettered,
    name: 'deadLettered',
    where: 'queue',
    meaning: 'a copy was dead-lettered',
  },
  { kind: Ev.expired, name: 'expired', where: 'queue', meaning: 'a ready copy outlived its TTL' },
  {
    kind: Ev.dropped,
    name: 'dropped',
    where: 'queue',
    meaning: 'a length limit dropped a ready copy',
  },
  {
    kind: Ev.lost,
    name: 'lost',
    where: 'queue',
    meaning: 'a copy vanished without being processed',
  },
  {
    kind: Ev.deduplicated,
    name: 'deduplicated',
    where: 'queue',
    meaning: 'broker dedup dropped a retried copy',
  },
  {
    kind: Ev.suppressed,
    name: 'suppressed',
    where: 'instance',
    meaning: 'an idempotent consumer skipped a repeat',
  },
  {
    kind: Ev.crashed,
    name: 'crashed',
    where: 'instance',
    meaning: 'a consumer instance or the broker crashed',
  },
  {
    kind: Ev.recovered,
    name: 'recovered',
    where: 'instance',
    meaning: 'a crashed instance or the broker came back',
  },
  {
    kind: Ev.confirmed,
    name: 'confirmed',
    where: 'producer',
    meaning: 'the broker confirmed a publish',
  },
  {
    kind: Ev.publishFailed,
    name: 'publishFailed',
    where: 'producer',
    meaning: 'a producer gave up after retries',
  },
  {
    kind: Ev.reprocessed,
    name: 'reprocessed',
    where: 'instance',
    meaning: 'a copy was processed again: a duplicate',
  },
  {
    kind: Ev.unrouted,
    name: 'unrouted',
    where: 'channel',
    meaning: 'a topic with no subscriptions dropped a publish',
  },
];

/** What the `where` index of an event kind refers to. */
export function eventWhere(kind: number): EventWhere {
  return EVENT_KINDS[kind - 1]?.where ?? 'queue';
}

/** Name of an event kind, for traces and messages. */
export function eventName(kind: number): string {
  return EVENT_KINDS[kind - 1]?.name ?? `event${kind}`;
}

/**
 * A streaming observer of the run. Called synchronously for every event in order; it must not
 * change the simulation. `msg` is a message slot in the engine's MessageStore (or -1); its
 * fields are valid during the call.
 */
export interface SimObserver {
  onEvent(kind: EventKind, timeUs: number, msg: number, where: number, aux: number): void;
  /** Called at each time-series sample point, before events at that time. */
  onSample?(timeUs: number): void;
}
