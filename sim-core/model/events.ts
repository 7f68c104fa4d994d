// The event stream: the whole contract between the engine and every observer (metrics, trace
// hash, trace file, the lab's animation and event log, test tallies). One table defines each
// kind's code, name, what `where` indexes, what `aux` holds and what it means; the Ev codes and
// the EventKind type are derived from it. An event carries every fact an observer needs, so no
// observer ever reads engine state.

import { MsgFlag } from './messages';
import type { MessageStore } from './messages';

/** What an event's `where` index names (the broker is always -1). */
export type EventWhere = 'producer' | 'queue' | 'instance' | 'channel';

interface EventSpec {
  /** Part of the trace hash: never renumber. */
  readonly code: number;
  readonly where: EventWhere;
  /** What `aux` holds, or null when it is always 0. */
  readonly aux: string | null;
  readonly meaning: string;
}

/**
 * Every event kind. Producer-side `where` indices are sender indices (producers, then emitting
 * consumers); queue indices are internal queues (a queue, a topic subscription, a log group).
 */
export const EVENTS = {
  published: {
    code: 1,
    where: 'producer',
    aux: null,
    meaning: 'a producer made a publish attempt',
  },
  rejected: {
    code: 2,
    where: 'queue',
    aux: null,
    meaning: 'the broker refused a publish',
  },
  enqueued: {
    code: 3,
    where: 'queue',
    aux: '0: a new copy; 1: the copy was already accepted before; 2: a dead-lettered copy',
    meaning: 'a copy was accepted into a queue',
  },
  delivered: {
    code: 4,
    where: 'instance',
    aux: 'the delivery number (1 = first)',
    meaning: 'the broker sent the message to a consumer',
  },
  received: {
    code: 5,
    where: 'instance',
    aux: null,
    meaning: 'the delivery reached the consumer instance',
  },
  started: {
    code: 6,
    where: 'instance',
    aux: null,
    meaning: 'a consumer started processing',
  },
  processed: {
    code: 7,
    where: 'instance',
    aux: 'the processing start time in µs',
    meaning: 'processing completed: the side effect ran',
  },
  failed: {
    code: 8,
    where: 'instance',
    aux: null,
    meaning: 'a processing attempt failed',
  },
  acked: {
    code: 9,
    where: 'queue',
    aux: null,
    meaning: 'the broker removed the message on ack',
  },
  nacked: {
    code: 10,
    where: 'queue',
    aux: null,
    meaning: 'the broker received a negative ack',
  },
  requeued: {
    code: 11,
    where: 'queue',
    aux: null,
    meaning: 'an unacked message became ready again',
  },
  timedOut: {
    code: 12,
    where: 'queue',
    aux: null,
    meaning: 'a delivery exceeded the ack timeout',
  },
  deadLettered: {
    code: 13,
    where: 'queue',
    aux: '0: maxDeliveries was reached; 1: a consumer rejected it without requeue',
    meaning: 'a copy was dead-lettered',
  },
  expired: {
    code: 14,
    where: 'queue',
    aux: null,
    meaning: 'a ready copy outlived its TTL',
  },
  dropped: {
    code: 15,
    where: 'queue',
    aux: null,
    meaning: 'a length limit dropped a ready copy',
  },
  lost: {
    code: 16,
    where: 'queue',
    aux: null,
    meaning: 'a copy vanished without being processed',
  },
  deduplicated: {
    code: 17,
    where: 'queue',
    aux: null,
    meaning: 'broker dedup dropped a retried copy',
  },
  suppressed: {
    code: 18,
    where: 'instance',
    aux: null,
    meaning: 'an idempotent consumer skipped a repeat',
  },
  crashed: {
    code: 19,
    where: 'instance',
    aux: null,
    meaning: 'a consumer instance or the broker crashed',
  },
  recovered: {
    code: 20,
    where: 'instance',
    aux: null,
    meaning: 'a crashed instance or the broker came back',
  },
  confirmed: {
    code: 21,
    where: 'producer',
    aux: 'the confirmed sequence number',
    meaning: 'the broker confirmed a publish',
  },
  publishFailed: {
    code: 22,
    where: 'producer',
    aux: 'the sequence number given up on',
    meaning: 'a producer gave up after retries',
  },
  reprocessed: {
    code: 23,
    where: 'instance',
    aux: 'the processing start time in µs',
    meaning: 'a copy was processed again: a duplicate',
  },
  unroutable: {
    code: 24,
    where: 'channel',
    aux: null,
    meaning:
      'a publish matched no binding, subscription filter or subscription: nobody receives it (not a copy)',
  },
  settled: {
    code: 25,
    where: 'queue',
    aux: 'the outcome: the code of deadLettered, expired, dropped or lost',
    meaning:
      'a copy the broker had ended while a consumer still held it was let go unprocessed: its outcome is final',
  },
  routed: {
    code: 26,
    where: 'channel',
    aux: 'the number of queues, subscriptions and logs it reached',
    meaning: 'an exchange passed a publish on to its matching bindings (or its alternate)',
  },
  replied: {
    code: 27,
    where: 'producer',
    aux: null,
    meaning: 'the reply to a request reached its producer before the request timed out',
  },
  replyTimedOut: {
    code: 28,
    where: 'producer',
    aux: null,
    meaning: 'a request got no reply within its timeout: the producer gave up on it',
  },
  lateReply: {
    code: 29,
    where: 'producer',
    aux: null,
    meaning: 'the reply to a request the producer had given up on arrived',
  },
  requestFailed: {
    code: 30,
    where: 'producer',
    aux: null,
    meaning:
      'a request over a direct channel failed and its caller saw the error (rejected, or its server died)',
  },
  batchSent: {
    code: 31,
    where: 'producer',
    aux: 'the number of messages in the batch',
    meaning: 'a producer sent a batch: its messages travel, are written and confirmed as one unit',
  },
  publishLost: {
    code: 32,
    where: 'producer',
    aux: null,
    meaning: 'the network lost a publish attempt on its way to the broker (network.publishLoss)',
  },
} as const satisfies Record<string, EventSpec>;

export type EventName = keyof typeof EVENTS;

/** Numeric event kinds by name (`Ev.processed === 7`). */
export const Ev = Object.fromEntries(
  Object.entries(EVENTS).map(([name, spec]) => [name, spec.code]),
) as { readonly [K in EventName]: (typeof EVENTS)[K]['code'] };

export type EventKind = (typeof Ev)[EventName];

/** One row per kind, indexed by code − 1: for the trace writer, the docs and the lab. */
export const EVENT_KINDS: ReadonlyArray<{
  kind: EventKind;
  name: EventName;
  where: EventWhere;
  aux: string | null;
  meaning: string;
}> = (Object.entries(EVENTS) as Array<[EventName, EventSpec]>)
  .map(([name, spec]) => ({
    kind: spec.code as EventKind,
    name,
    where: spec.where,
    aux: spec.aux,
    meaning: spec.meaning,
  }))
  .sort((a, b) => a.kind - b.kind);

/** The highest event code. */
export const MAX_EVENT_KIND = EVENT_KINDS.length;

/** What the `where` index of an event kind refers to. */
export function eventWhere(kind: number): EventWhere {
  return EVENT_KINDS[kind - 1]?.where ?? 'queue';
}

/** Name of an event kind, for traces and messages. */
export function eventName(kind: number): string {
  return EVENT_KINDS[kind - 1]?.name ?? `event${kind}`;
}

/**
 * Why a copy was dead-lettered: the `aux` of a `deadLettered` event. The delivery limit is 0, so
 * a scenario that never rejects without requeue folds the same words into its trace hash.
 */
export const DeadLetterCause = {
  deliveryLimit: 0,
  rejected: 1,
} as const;

/** Bits of SimEvent.flags. */
export const EventFlag = {
  /** The message is a dead-lettered copy: it counts in its channel, not in the totals. */
  secondary: 1,
  /** This event decides the copy's outcome (processed, or a fate nothing can undo any more). */
  outcome: 2,
} as const;

/**
 * One event, as observers receive it. The engine reuses one record for every event: read it
 * during the call, copy what you keep. Message fields (sender ≥ 0 when the event is about a
 * message) are read on demand from the message they describe, as it is at the event; `instance`
 * and `partition` are set when the message has an outstanding delivery or is a log record. The
 * processing facts are set for `processed` and `reprocessed` only, `consumer` for those and an
 * instance's `crashed` and `recovered` (−1 for the broker's). Request settlements (replied,
 * replyTimedOut, lateReply, requestFailed) name their request by sender and seq and carry its send time in
 * `publishUs`, though no message slot.
 */
export class SimEvent {
  kind: EventKind = Ev.published;
  timeUs = 0;
  where = -1;
  aux = 0;
  /** The consumer definition (processed, reprocessed, crashed, recovered), or −1. */
  consumer = -1;
  /** The internal queue the processing consumer reads (processed, reprocessed). */
  queue = -1;
  /** Processing facts (processed, reprocessed): its start, the message's first intended send
   * and its chain origin's (µs), and its payload bytes. */
  startUs = 0;
  publishUs = 0;
  originUs = 0;
  size = 0;
  /** The message is not a dead-lettered copy (it counts in the totals); true for no message. */
  primary = true;
  /** The message slot the event is about (−1: none) and whether it decides an outcome. */
  private slot = -1;
  /** A slotless event's message id (request settlements), else −1 and 0. */
  private idSender = -1;
  private idSeq = 0;
  private outcome = false;

  constructor(private readonly msgs: MessageStore) {}

  /** Engine only: points the record at an event. */
  set(
    kind: EventKind,
    timeUs: number,
    slot: number,
    where: number,
    aux: number,
    outcome: boolean,
  ): void {
    this.kind = kind;
    this.timeUs = timeUs;
    this.slot = slot;
    this.where = where;
    this.aux = aux;
    this.outcome = outcome;
    this.primary = slot < 0 || (this.msgs.flags[slot] & MsgFlag.secondary) === 0;
  }

  /** Message id: sender index and sequence number (`web:17`); sender −1 for no message. */
  get sender(): number {
    return this.slot < 0 ? this.idSender : this.msgs.producer[this.slot];
  }
  get seq(): number {
    return this.slot < 0 ? this.idSeq : this.msgs.seq[this.slot];
  }

  /** Engine only: names the message a slotless event is about (−1, 0: none). */
  setRequest(sender: number, seq: number): void {
    this.idSender = sender;
    this.idSeq = seq;
  }
  /** Ordering/partition key, or −1. */
  get key(): number {
    return this.slot < 0 ? -1 : this.msgs.key[this.slot];
  }
  /** The message's routing label (its routing key and headers, interned by the router; 0 without). */
  get label(): number {
    return this.slot < 0 ? 0 : this.msgs.label[this.slot];
  }
  /** The message's priority (0 unless its producer sets one). */
  get priority(): number {
    return this.slot < 0 ? 0 : this.msgs.priority[this.slot];
  }
  /** EventFlag bits. */
  get flags(): number {
    return (this.primary ? 0 : EventFlag.secondary) | (this.outcome ? EventFlag.outcome : 0);
  }
  /** The copy was confirmed to its producer and then lost by the broker (a lost write). */
  get lostAcknowledged(): boolean {
    if (this.slot < 0) return false;
    const both = MsgFlag.acknowledged | MsgFlag.brokerLost;
    return (this.msgs.flags[this.msgs.copyOf[this.slot]] & both) === both;
  }
  /** The instance holding the message's current delivery, or −1. */
  get instance(): number {
    if (this.slot < 0 || (this.msgs.flags[this.slot] & MsgFlag.logRecord) !== 0) return -1;
    return this.msgs.inst[this.slot];
  }
  /** A log record's partition, or −1. */
  get partition(): number {
    if (this.slot < 0 || (this.msgs.flags[this.slot] & MsgFlag.logRecord) === 0) return -1;
    return this.msgs.queue[this.slot];
  }
}

/** A set of event kinds as a bitmask over codes (bit k for code k; up to 52 kinds). */
export type EventMask = number;

/** The mask of the given kinds. */
export function eventMask(...kinds: EventKind[]): EventMask {
  let m = 0;
  for (const k of new Set(kinds)) m += 2 ** k; // beyond 32 bits, so arithmetic, not `|`
  return m;
}

/** Every kind. */
export const ALL_EVENTS: EventMask = eventMask(...EVENT_KINDS.map((e) => e.kind));

/** Whether a mask holds a kind. */
export function maskHas(mask: EventMask, kind: number): boolean {
  return Math.floor(mask / 2 ** kind) % 2 === 1;
}

/**
 * A streaming observer of the run: called synchronously for each event of a kind in `kinds`,
 * in order. It must not change the simulation.
 */
export interface SimObserver {
  /** The kinds it wants; the engine calls no one for a kind nobody wants. */
  readonly kinds: EventMask;
  onEvent(ev: SimEvent): void;
  /** Called at each time-series sample point, before events at that time. */
  onSample?(timeUs: number): void;
}
