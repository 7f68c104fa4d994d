// Metrics as a streaming fold over the event stream: counters, latency histograms and ordering
// checks, in memory that does not grow with the number of messages. It reads only the events
// (never engine state), so the same numbers could be folded from a trace file.

import { DeadLetterCause, Ev, EventFlag, eventMask } from '../model/events';
import type { SimEvent, SimObserver } from '../model/events';
import { LatencyHistogram, LatencyWindow } from './histogram';

export interface Totals {
  published: number;
  /** Extension: publish attempts the network lost on their way to the broker. */
  publishLost: number;
  publishFailed: number;
  rejected: number;
  enqueued: number;
  duplicatesEnqueued: number;
  deduplicated: number;
  delivered: number;
  redelivered: number;
  acked: number;
  nacked: number;
  processed: number;
  duplicatesProcessed: number;
  duplicatesSuppressed: number;
  orderViolations: number;
  deadLettered: number;
  expired: number;
  dropped: number;
  lost: number;
  /** Contract v2: confirmed to their producer, then lost by the broker (also in lost). */
  lostAcknowledged: number;
  pendingAtEnd: number;
  /** Contract v2: time channels had no leader, summed over channels (ms). */
  unavailableMs: number;
  /** Publishes to a topic with no subscriptions: gone, and not copies (extension). */
  unroutable: number;
  /** Request–reply: requests answered in time, given up on, and answered after that. */
  replies: number;
  replyTimeouts: number;
  lateReplies: number;
}

export function emptyTotals(): Totals {
  return {
    published: 0,
    publishLost: 0,
    publishFailed: 0,
    rejected: 0,
    enqueued: 0,
    duplicatesEnqueued: 0,
    deduplicated: 0,
    delivered: 0,
    redelivered: 0,
    acked: 0,
    nacked: 0,
    processed: 0,
    duplicatesProcessed: 0,
    duplicatesSuppressed: 0,
    orderViolations: 0,
    deadLettered: 0,
    expired: 0,
    dropped: 0,
    lost: 0,
    lostAcknowledged: 0,
    pendingAtEnd: 0,
    unavailableMs: 0,
    unroutable: 0,
    replies: 0,
    replyTimeouts: 0,
    lateReplies: 0,
  };
}

export class QueueStats {
  enqueued = 0;
  processed = 0;
  deadLettered = 0;
  expired = 0;
  dropped = 0;
  lost = 0;
}

/** Dead letters a channel was sent, by why they were given up (RabbitMQ's x-death reasons). */
export interface DeadLetterReasons {
  /** A consumer rejected the delivery without requeue. */
  rejected: number;
  /** The copy outlived its ttl (the queue's or its own). */
  expired: number;
  /** It reached maxDeliveries (nacks, ack timeouts, crashes of its consumer). */
  maxDeliveries: number;
  /** A full maxLength queue dropped it from the head (overflow: drop-head). */
  maxLength: number;
}

/**
 * Per consumer definition. Its latency histograms are made on first use (a 10,000-consumer
 * scenario must not pay for idle ones), and share storage with another histogram where the two
 * are equal by construction (see Collector).
 */
export class ConsumerStats {
  processed = 0;
  duplicatesProcessed = 0;
  orderViolations = 0;
  crashes = 0;
  /** Completions since the last sample, for the processedPerSec series. */
  sinceSample = 0;
  private ownLatency: LatencyHistogram | null = null;
  private ownFromOrigin: LatencyHistogram | null = null;

  constructor(
    /** The run's end-to-end histogram, when it is this consumer's latency too. */
    private readonly sharedLatency: LatencyHistogram | null,
    /** Whether latency from the chain's origin equals latency (no emitting consumers). */
    private readonly originIsPublish: boolean,
  ) {
    this.tracksOrigin = !originIsPublish;
    this.sharesEndToEnd = sharedLatency !== null;
  }

  /** Publish → processed, per completion of this consumer (after warmup). */
  get latency(): LatencyHistogram {
    return this.sharedLatency ?? (this.ownLatency ??= new LatencyHistogram());
  }

  /** Chain origin → processed (equals latency outside event-driven chains). */
  get latencyFromOrigin(): LatencyHistogram {
    if (this.originIsPublish) return this.latency;
    return (this.ownFromOrigin ??= new LatencyHistogram());
  }

  /** Whether recording a latency must also record it from the origin (in its own histogram). */
  readonly tracksOrigin: boolean;
  /** Whether the run's end-to-end histogram already holds this consumer's latency. */
  readonly sharesEndToEnd: boolean;
}

/** A requesting producer's settled requests, and request → reply time of those sent after warmup. */
export class RequestStats {
  replies = 0;
  replyTimeouts = 0;
  lateReplies = 0;
  /** Direct calls whose failure the caller saw at once (extension). */
  failed = 0;
  readonly roundTrip = new LatencyHistogram();
}

/** A producer's publishes: attempts, confirms, batches, and intended send → confirm after warmup. */
export class PublishStats {
  published = 0;
  confirmed = 0;
  batches = 0;
  /** Messages sent in batches. */
  batched = 0;
  private ownLatency: LatencyHistogram | null = null;
  /** Made on the first confirm: a producer without confirms never pays for it. */
  get publishLatency(): LatencyHistogram {
    return (this.ownLatency ??= new LatencyHistogram());
  }
}

/** What the collector must know of the run's shape: sizes only, no engine state. */
export interface RunShape {
  queues: number;
  consumers: number;
  senders: number;
  /** Keys are 0 .. keySlots − 1. */
  keySlots: number;
  warmupUs: number;
  /** Some consumer emits onward (event-driven chains): origin and publish times differ. */
  emitters: boolean;
  /** Per internal queue: the channel its dead letters go to, or −1 (it discards them). */
  deadLetterTo: readonly number[];
  channels: number;
  /** Some producer sets priorities: end-to-end latency is also kept per priority. */
  priorities: boolean;
  /** Per producer: whether it makes requests (request–reply). */
  requesters: readonly boolean[];
}

/** The kinds the collector folds. */
const COLLECTED = eventMask(
  Ev.published,
  Ev.rejected,
  Ev.unroutable,
  Ev.publishFailed,
  Ev.deduplicated,
  Ev.enqueued,
  Ev.delivered,
  Ev.acked,
  Ev.nacked,
  Ev.processed,
  Ev.reprocessed,
  Ev.suppressed,
  Ev.deadLettered,
  Ev.expired,
  Ev.dropped,
  Ev.lost,
  Ev.settled,
  Ev.crashed,
  Ev.routed,
  Ev.replied,
  Ev.replyTimedOut,
  Ev.lateReply,
  Ev.requestFailed,
  Ev.confirmed,
  Ev.batchSent,
  Ev.publishLost,
);

/** Up to this many keys, order is tracked in an array per (queue, sender): 512 KiB each. */
const DENSE_KEYS = 65_536;

export class Collector implements SimObserver {
  readonly kinds = COLLECTED;
  readonly totals = emptyTotals();
  readonly endToEnd = new LatencyHistogram();
  readonly queueWait = new LatencyHistogram();
  readonly service = new LatencyHistogram();
  readonly queueStats: QueueStats[];
  readonly consumerStats: ConsumerStats[];
  /** Per channel: publishes an exchange passed on, and publishes that reached no one. */
  readonly routed: Float64Array;
  readonly unroutable: Float64Array;
  /** Request → reply, over every requesting producer (null: none makes requests). */
  readonly roundTrip: LatencyHistogram | null;
  /** Per producer (not emitting consumers): publishes, confirms, batches. */
  readonly publishStats: PublishStats[];
  /** Per producer: its request stats, or null if it makes none. */
  readonly requestStats: Array<RequestStats | null>;
  /** End-to-end latency per message priority, made on first use (null: no priorities). */
  readonly byPriority: Array<LatencyHistogram | undefined> | null;
  /** End-to-end latency of the completions since the last sample (the sampler marks it). */
  readonly endToEndWindow = new LatencyWindow(this.endToEnd);
  /** Per channel: the dead letters sent to it by reason, or null if no deadLetter names it. */
  readonly deadLetterReasons: Array<DeadLetterReasons | null>;
  /** Post-warmup counts for throughput. */
  publishedInWindow = 0;
  processedInWindow = 0;
  processedBytesInWindow = 0;
  private readonly warmupUs: number;
  /**
   * Highest completed sequence per (queue, sender, key): a dense array per (queue, sender)
   * made on its first keyed completion, or a map of the keys seen when there are too many keys
   * for an array (up to 2^31).
   */
  private readonly orderMax: Array<Array<Float64Array | null>>;
  private readonly orderMaxSparse: Array<Array<Map<number, number> | null>>;
  private readonly keySlots: number;
  private readonly deadLetterTo: readonly number[];

  constructor(shape: RunShape) {
    this.warmupUs = shape.warmupUs;
    this.routed = new Float64Array(shape.channels);
    this.byPriority = shape.priorities ? [] : null;
    this.requestStats = shape.requesters.map((r) => (r ? new RequestStats() : null));
    this.publishStats = shape.requesters.map(() => new PublishStats());
    this.roundTrip = shape.requesters.some((r) => r) ? new LatencyHistogram() : null;
    this.unroutable = new Float64Array(shape.channels);
    this.queueStats = Array.from({ length: shape.queues }, () => new QueueStats());
    this.deadLetterTo = shape.deadLetterTo;
    this.deadLetterReasons = Array.from({ length: shape.channels }, (_, ci) =>
      shape.deadLetterTo.includes(ci)
        ? { rejected: 0, expired: 0, maxDeliveries: 0, maxLength: 0 }
        : null,
    );
    // Equal by construction, recorded once: with one consumer and no dead letters, every
    // completion is that consumer's and a primary copy's, so its latency is the end-to-end one;
    // without chains, latency from the origin is latency.
    const deadLetters = shape.deadLetterTo.some((ci) => ci >= 0);
    const shared = shape.consumers === 1 && !deadLetters ? this.endToEnd : null;
    this.consumerStats = Array.from(
      { length: shape.consumers },
      () => new ConsumerStats(shared, !shape.emitters),
    );
    this.keySlots = shape.keySlots;
    this.orderMax = Array.from({ length: shape.queues }, () =>
      new Array<Float64Array | null>(shape.senders).fill(null),
    );
    this.orderMaxSparse = Array.from({ length: shape.queues }, () =>
      new Array<Map<number, number> | null>(shape.senders).fill(null),
    );
  }

  onEvent(ev: SimEvent): void {
    const t = this.totals;
    switch (ev.kind) {
      case Ev.published:
        t.published++;
        if (ev.where < this.publishStats.length) this.publishStats[ev.where].published++;
        if (ev.timeUs >= this.warmupUs) this.publishedInWindow++;
        return;
      case Ev.confirmed: {
        const ps = this.publishStats[ev.where];
        ps.confirmed++;
        if (ev.publishUs >= this.warmupUs) ps.publishLatency.record(ev.timeUs - ev.publishUs);
        return;
      }
      case Ev.publishLost:
        t.publishLost++;
        return;
      case Ev.batchSent: {
        const ps = this.publishStats[ev.where];
        ps.batches++;
        ps.batched += ev.aux;
        return;
      }
      case Ev.rejected:
        if (ev.primary) t.rejected++; // a dead-lettered copy refused downstream is not a publish
        return;
      case Ev.unroutable:
        this.unroutable[ev.where]++;
        if (ev.primary) t.unroutable++;
        return;
      case Ev.routed:
        this.routed[ev.where]++;
        return;
      case Ev.publishFailed:
        t.publishFailed++;
        return;
      case Ev.deduplicated:
        t.deduplicated++;
        return;
      case Ev.enqueued:
        if (ev.aux === 1) t.duplicatesEnqueued++;
        else this.queueStats[ev.where].enqueued++;
        if (ev.aux === 0) t.enqueued++;
        return;
      case Ev.delivered:
        if (!ev.primary) return;
        t.delivered++;
        if (ev.aux > 1) t.redelivered++;
        return;
      case Ev.acked:
        if (ev.primary) t.acked++;
        return;
      case Ev.nacked:
        if (ev.primary) t.nacked++;
        return;
      case Ev.processed:
        return this.onProcessed(ev, ev.primary);
      case Ev.reprocessed: {
        const cs = this.consumerStats[ev.consumer];
        cs.sinceSample++;
        cs.duplicatesProcessed++;
        if (ev.primary) t.duplicatesProcessed++;
        return;
      }
      case Ev.suppressed:
        if (ev.primary) t.duplicatesSuppressed++;
        return;
      case Ev.deadLettered:
      case Ev.expired:
      case Ev.dropped:
      case Ev.lost:
        // Tentative or final, any fate but lost sends a dead letter on if the queue has a
        // deadLetter.
        if (ev.kind !== Ev.lost && this.deadLetterTo[ev.where] >= 0) this.countDeadLetter(ev);
        if ((ev.flags & EventFlag.outcome) !== 0) this.countFate(ev.kind, ev);
        return;
      case Ev.settled:
        return this.countFate(ev.aux, ev);
      case Ev.crashed:
        if (ev.consumer >= 0) this.consumerStats[ev.consumer].crashes++;
        return;
      case Ev.replied: {
        const rs = this.requestStats[ev.where]!;
        rs.replies++;
        t.replies++;
        if (ev.publishUs >= this.warmupUs) {
          rs.roundTrip.record(ev.timeUs - ev.publishUs);
          this.roundTrip!.record(ev.timeUs - ev.publishUs);
        }
        return;
      }
      case Ev.replyTimedOut:
        this.requestStats[ev.where]!.replyTimeouts++;
        t.replyTimeouts++;
        return;
      case Ev.lateReply:
        this.requestStats[ev.where]!.lateReplies++;
        t.lateReplies++;
        return;
      case Ev.requestFailed:
        this.requestStats[ev.where]!.failed++;
        return;
      default:
        return;
    }
  }

  /** A dead letter sent on from queue ev.where, counted by reason in the channel it goes to. */
  private countDeadLetter(ev: SimEvent): void {
    const r = this.deadLetterReasons[this.deadLetterTo[ev.where]]!;
    if (ev.kind === Ev.expired) r.expired++;
    else if (ev.kind === Ev.dropped) r.maxLength++;
    else if (ev.aux === DeadLetterCause.rejected) r.rejected++;
    else r.maxDeliveries++;
  }

  /** A copy's final fate: counted in its channel, and in the totals unless a dead letter. */
  private countFate(kind: number, ev: SimEvent): void {
    const primary = ev.primary;
    const qs = this.queueStats[ev.where];
    const t = this.totals;
    if (kind === Ev.deadLettered) {
      qs.deadLettered++;
      if (primary) t.deadLettered++;
    } else if (kind === Ev.expired) {
      qs.expired++;
      if (primary) t.expired++;
    } else if (kind === Ev.dropped) {
      qs.dropped++;
      if (primary) t.dropped++;
    } else {
      qs.lost++;
      if (primary) t.lost++;
      if (primary && ev.lostAcknowledged) t.lostAcknowledged++;
    }
  }

  private onProcessed(ev: SimEvent, primary: boolean): void {
    const cs = this.consumerStats[ev.consumer];
    cs.sinceSample++;
    cs.processed++;
    const q = ev.queue;
    this.queueStats[q].processed++;
    const publishUs = ev.publishUs;
    const timeUs = ev.timeUs;
    const measured = publishUs >= this.warmupUs;
    if (measured && !cs.sharesEndToEnd) {
      cs.latency.record(timeUs - publishUs);
      if (cs.tracksOrigin) cs.latencyFromOrigin.record(timeUs - ev.originUs);
    }
    if (!primary) return;
    this.totals.processed++;
    const key = ev.key;
    if (key >= 0) {
      // Keyless messages promise no order (like Kafka's keyless records): only keys are checked.
      const seq = ev.seq;
      let violated: boolean;
      if (this.keySlots <= DENSE_KEYS) {
        const order = (this.orderMax[q][ev.sender] ??= new Float64Array(this.keySlots));
        violated = seq < order[key];
        if (!violated) order[key] = seq;
      } else {
        const order = (this.orderMaxSparse[q][ev.sender] ??= new Map());
        violated = seq < (order.get(key) ?? 0);
        if (!violated) order.set(key, seq);
      }
      if (violated) {
        this.totals.orderViolations++;
        cs.orderViolations++;
      }
    }
    if (!measured) return;
    this.processedInWindow++;
    this.processedBytesInWindow += ev.size;
    const latency = timeUs - publishUs;
    this.endToEndWindow.note(this.endToEnd.record(latency));
    if (this.byPriority !== null)
      (this.byPriority[ev.priority] ??= new LatencyHistogram()).record(latency);
    this.queueWait.record(ev.startUs - publishUs);
    this.service.record(timeUs - ev.startUs);
  }

  /**
   * Copies the fold says are still pending: every new primary copy enqueued minus those with an
   * outcome. The report checks it against the engine's census (conservation).
   */
  pendingByStream(): number {
    const t = this.totals;
    return t.enqueued - t.processed - t.deadLettered - t.expired - t.dropped - t.lost;
  }
}
