// Plain-data runtime state of producers, queues, consumer instances and consumer definitions.
// Constructing them is the compile step: every duration becomes integer µs and every sampler
// returns µs here, so the model never converts. Every random draw comes from the entity's own
// named stream (keyed by its id, never its position), so adding an entity changes no other
// entity's draws (common random numbers).

import { RequestBook } from './request-book';
import type { Batch, Consumer, Producer, QueueOptions } from '../scenario/types';
import {
  WeightedPick,
  compileArrivals,
  compileDist,
  compileDurationUs,
  compileKeys,
  streamFor,
} from '../random';
import { PriorityReady } from './priority-ready';
import { LabelPicker } from './routing';
import type { Router } from './routing';
import type { Arrivals, DurationSampler, KeyPicker, Rng, Sampler } from '../random';
import { msToUs } from '../time';
import { IntDeque } from './ring';
import { DeadlineFifo } from './deadline-fifo';
import type { SlotListHead } from './slot-lists';
import type { MessageStore } from './messages';
import { GroupedReady } from './fifo-groups';
import type { ReadyQueue } from './fifo-groups';

/** A publish awaiting its confirm: retried with the same message id until confirmed or given up. */
export interface PendingPublish {
  seq: number;
  key: number;
  size: number;
  label: number;
  priority: number;
  /** Delayed delivery drawn at publish (µs), the same for every attempt. */
  delayUs: number;
  publishUs: number;
  attempts: number;
  /** Attempts still travelling to the broker. */
  inFlight: number;
  /** Confirmed, or given up: retired once no attempt is in flight. */
  done: boolean;
  /** Per fan-out target: the slot of the accepted copy (held by this record), or -1. */
  owners: Int32Array;
  acceptUs: Float64Array;
  /** The batch it travels in (a batching producer with confirms), or null. */
  batch: PendingBatch | null;
}

/**
 * A batch of publishes awaiting confirms: it holds one in-flight slot, travels, times out and is
 * retried as one unit (the members not confirmed by its timeout), until every member is settled.
 */
export interface PendingBatch {
  id: number;
  recs: PendingPublish[];
  /** Members not yet confirmed or given up. */
  left: number;
  attempts: number;
}

/** A producer's open batch (Kafka's record accumulator): its messages wait here until sent. */
export class BatchRt {
  readonly slots = new IntDeque(16);
  /** With confirms: the open batch's publishes (their messages are made when it is sent). */
  readonly recs: PendingPublish[] = [];
  bytes = 0;
  /** Batches sent so far; the open batch's linger task names it by this number + 1. */
  sent = 0;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly lingerUs: number;

  constructor(def: Batch) {
    this.maxMessages = def.maxMessages ?? Infinity;
    this.maxBytes = def.maxBytes ?? Infinity;
    this.lingerUs = msToUs(def.linger);
  }
}

export class ProducerRt {
  seq = 0;
  /** Producer batching, or null: every message travels alone. */
  readonly batch: BatchRt | null;
  /** With publisher confirms: each publish is tracked until confirmed or given up. */
  readonly tracked: boolean;
  readonly idempotent: boolean;
  /** To a log: confirmed once committed (acks=all), not once the leader wrote it (acks=1). */
  readonly acksAll: boolean;
  /** Unconfirmed publishes at once (Infinity: unlimited); those sent and not yet settled. */
  readonly maxInFlight: number;
  unconfirmed = 0;
  /** Publishes waiting for an in-flight slot, oldest first (their first attempt not yet sent). */
  readonly waiting: PendingPublish[] = [];
  /** Batching with confirms: batches waiting for an in-flight slot, and those in flight by id. */
  readonly waitingBatches: PendingBatch[] = [];
  readonly flights = new Map<number, PendingBatch>();
  /**
   * Idempotent with an in-flight limit: the broker keeps per-key sequence order (Kafka's
   * idempotent producer). Per key, the sequences the broker has not accepted yet, oldest first.
   */
  readonly ordered: boolean;
  readonly unaccepted = new Map<number, number[]>();
  /** Publishes awaiting confirms, by sequence (only with publisher confirms). */
  readonly pending = new Map<number, PendingPublish>();
  readonly confirmTimeoutUs: number;
  readonly retries: number;
  readonly backoffUs: number;
  readonly rngConfirmNet: Rng;
  readonly rngConfirmLoss: Rng;
  /** Arrival time of the last confirm on the broker→producer link. */
  confirmLinkUs = 0;
  remaining: number;
  readonly stopUs: number;
  readonly arrivals: Arrivals;
  readonly keys: KeyPicker;
  readonly size: Sampler;
  readonly rngArrivals: Rng;
  readonly rngKeys: Rng;
  readonly rngSize: Rng;
  readonly rngNet: Rng;
  /** Priority of every message, or a pick among several (its own stream), or null: 0. */
  private readonly priorityValue: number;
  private readonly priorityPick: { values: number[]; pick: WeightedPick; rng: Rng } | null;
  /** Routing labels (only when some channel routes by label): picker and its streams. */
  labels: LabelPicker | null = null;
  rngRoutingKey: Rng | null = null;
  rngHeaders: Rng | null = null;
  /** Arrival time of the last message on the producer→broker link (links are FIFO, like TCP). */
  linkUs = 0;
  /** Publishes are held back until this time (a network partition). */
  partitionUntilUs = 0;
  done = false;
  /** Flow control: messages waiting in the client while a node's alarm blocks it, in order. */
  readonly blocked = new IntDeque(16);
  /** Blocked since (−1: not blocked), and the time it was blocked before. */
  blockedSinceUs = -1;
  blockedUs = 0;
  /** Its publishes lost on the way (network.publishLoss). */
  readonly rngPublishLoss: Rng;

  constructor(
    readonly index: number,
    def: Producer,
    /** The channel it publishes to. */
    readonly channel: number,
    seed: number,
  ) {
    this.remaining = def.count ?? Infinity;
    this.stopUs = def.stop === null ? Infinity : msToUs(def.stop);
    this.arrivals = compileArrivals(def.rate, def.start);
    this.keys = compileKeys(def.keys);
    this.size = compileDist(def.size);
    this.rngArrivals = streamFor(seed, def.id, 'arrivals');
    this.rngKeys = streamFor(seed, def.id, 'keys');
    this.rngSize = streamFor(seed, def.id, 'size');
    this.rngNet = streamFor(seed, def.id, 'network');
    this.tracked = def.confirm !== null;
    this.batch = def.batch === null ? null : new BatchRt(def.batch);
    this.idempotent = def.idempotent;
    this.acksAll = def.acks === 'all';
    this.maxInFlight = def.maxInFlight ?? Infinity;
    this.ordered = def.idempotent && def.maxInFlight !== null;
    this.confirmTimeoutUs = def.confirm === null ? 0 : msToUs(def.confirm.timeout);
    this.retries = def.confirm?.retries ?? 0;
    this.backoffUs = def.confirm === null ? 0 : msToUs(def.confirm.backoff);
    this.rngConfirmNet = streamFor(seed, def.id, 'confirm-network');
    this.rngConfirmLoss = streamFor(seed, def.id, 'confirm-loss');
    this.rngPublishLoss = streamFor(seed, def.id, 'publish-loss');
    this.delay = def.delay === null ? null : compileDurationUs(def.delay);
    this.rngDelay = streamFor(seed, def.id, 'delay');
    this.requests = def.request === null ? null : new RequestBook(msToUs(def.request.timeout));
    this.rngReplyNet = streamFor(seed, def.id, 'reply-network');
    const pr = def.priority;
    this.priorityValue = pr?.kind === 'constant' ? pr.value : 0;
    this.priorityPick =
      pr?.kind === 'choice'
        ? {
            values: pr.values,
            pick: new WeightedPick(pr.values.length, pr.weights),
            rng: streamFor(seed, def.id, 'priority'),
          }
        : null;
  }

  /** Request–reply: its requests and their timeout, or null; the reply link and its stream. */
  readonly requests: RequestBook | null;
  readonly rngReplyNet: Rng;
  replyLinkUs = 0;

  /** Delayed delivery of each message, and its stream; null: none. */
  readonly delay: DurationSampler | null;
  readonly rngDelay: Rng;

  /** The next message's priority. */
  nextPriority(): number {
    const c = this.priorityPick;
    return c === null ? this.priorityValue : c.values[c.pick.pick(c.rng)];
  }

  /** Gives messages routing labels; streams of their own, so no other draw moves. */
  routeBy(router: Router, def: Producer, seed: number): void {
    this.labels = new LabelPicker(router, def.routingKey, def.id, def.headers);
    this.rngRoutingKey = streamFor(seed, def.id, 'routing-key');
    this.rngHeaders = streamFor(seed, def.id, 'headers');
  }

  /** The next message's routing label (only with labels). */
  nextLabel(): number {
    return this.labels!.next(this.rngRoutingKey!, this.rngHeaders!);
  }
}

/**
 * A broker queue: a queue channel, a topic subscription, a direct channel's line of waiting
 * calls, or a log group's counters (a log group uses only `unacked` as its lag).
 */
export class QueueRt {
  /** It has a leader on a reachable node (a direct channel's line always has): it takes and delivers. */
  leaderUp = true;
  /** Ready messages, oldest first: a deque, or per group with FIFO groups (see fifo-groups.ts). */
  readonly ready: ReadyQueue;
  /** The same object as `ready` when the queue has FIFO groups, else null. */
  readonly grouped: GroupedReady | null;
  unacked = 0;
  /** Instances with prefetch credit, in round-robin order (each at most once). */
  readonly credit = new IntDeque(16);
  readonly instances: number[] = [];
  readonly ackTimeoutUs: number;
  /** Deliveries awaiting their ack deadline, oldest first: slot, token, deadline. */
  readonly timeouts = new DeadlineFifo();
  timerArmed = false;
  enqueueOrder = 0;
  /** Messages waiting out a retry delay (a broker crash must find them). */
  readonly delayed: SlotListHead = { head: -1 };
  readonly retryDelay: DurationSampler;
  readonly rngRetry: Rng;
  readonly ttlUs: number;
  /** Whether ready messages here can expire (a queue ttl, or some producer's message ttl). */
  expiring: boolean;
  ttlArmed = false;
  readonly maxLength: number;
  readonly rejectOnOverflow: boolean;
  readonly requeueToBack: boolean;
  readonly maxDeliveries: number;
  /** Broker dedup of retried publishes within this window (µs); -1: none. */
  readonly dedupWindowUs: number;
  /** Channel index to dead-letter into, or -1 to discard. */
  deadLetterChannel = -1;
  /** The routing key dead letters take, or null: they keep their own. */
  deadLetterKey: string | null = null;
  /**
   * Ids (sender × 2^31 + sequence) whose side effect already ran, shared by the idempotent
   * consumers of this queue (competing instances share one dedup store); null if none is.
   */
  processedIds: Set<number> | null = null;
  /** FIFO groups: at most one in-flight message per key; busy flag per key + 1 (keyless: 0). */
  readonly groupBusy: Uint8Array | null;
  busyGroups = 0;
  /** Direct channel: calls wait at most this long for an instance (µs), then fail; -1: a queue. */
  readonly directTimeoutUs: number;

  constructor(
    readonly index: number,
    readonly name: string,
    options: QueueOptions,
    seed: number,
    msgs: MessageStore,
    keyCount = 0,
    directTimeoutMs: number | null = null,
  ) {
    this.ackTimeoutUs = options.ackTimeout === null ? 0 : msToUs(options.ackTimeout);
    this.groupBusy = options.fifoGroups ? new Uint8Array(keyCount + 1) : null;
    this.grouped = this.groupBusy === null ? null : new GroupedReady(msgs, this.groupBusy);
    this.ready =
      this.grouped ??
      (options.maxPriority !== null
        ? new PriorityReady(options.maxPriority, msgs)
        : new IntDeque(1024));
    this.directTimeoutUs = directTimeoutMs === null ? -1 : msToUs(directTimeoutMs);
    const ttlMs = directTimeoutMs ?? options.ttl;
    this.ttlUs = ttlMs === null ? 0 : Math.max(1, msToUs(ttlMs));
    this.expiring = this.ttlUs > 0;
    this.maxLength = options.maxLength ?? Infinity;
    this.rejectOnOverflow = options.overflow === 'reject-publish';
    // FIFO groups keep their order whatever `requeue` says: a message returns ahead of its group.
    this.requeueToBack = options.requeue === 'back' && !options.fifoGroups;
    this.maxDeliveries = options.maxDeliveries ?? Infinity;
    this.dedupWindowUs = options.dedupWindow === null ? -1 : msToUs(options.dedupWindow);
    this.retryDelay = compileDurationUs(options.retryDelay);
    this.rngRetry = streamFor(seed, name, 'retry');
  }

  get depth(): number {
    return this.ready.length + this.unacked;
  }
}

export class InstanceRt {
  credit: number;
  busy = 0;
  readonly buffer = new IntDeque(16);
  readonly bufferTokens = new IntDeque(16);
  readonly procSlot: Int32Array;
  readonly procToken: Int32Array;
  readonly procStartUs: Float64Array;
  /** Per server: how long a freeze stalled its current work (added when it would finish). */
  readonly procFrozenUs: Float64Array;
  /** The process is running (not crashed). */
  up = true;
  /** The broker's view: the instance's connection is live and may receive deliveries. */
  connected = true;
  /** Deliveries with a token at or below this belong to a dead connection. */
  connToken = 0;
  /**
   * Connections opened so far: a pending detection of a silent connection is void once a newer
   * one is open (this instance's own count, so no other entity's activity can change it).
   */
  connEpoch = 0;
  /** Work on deliveries with a token at or below this died with the process. */
  killToken = 0;
  /** In its queue's credit round-robin. */
  inRing = true;
  /** Current chain of random crashes (a restart starts a new one). */
  crashEpoch = 0;
  /** Credits held back for timed-out deliveries the instance still holds. */
  withheld = 0;
  /** Log consumers: the group index, and records delivered to it and not yet finished. */
  group = -1;
  logInFlight = 0;
  /** Log consumers: the partitions it owns, in partition order (for commits). */
  readonly owned: number[] = [];
  /**
   * Log consumers: owned partitions with a record to fetch while every server was busy, in the
   * order they became ready (each at most once; an entry may be stale after a rebalance).
   */
  readonly readyParts = new IntDeque(16);
  /** Traffic to and from the broker is held back until this time (a network partition). */
  partitionUntilUs = 0;
  /** The process hangs until this time (a freeze): it neither works, acks nor heartbeats. */
  frozenUntilUs = 0;
  /** Up and not frozen: it reads its socket (one flag for the delivery path to test). */
  running = true;
  slowFactor = 1;
  /** This instance's unacked deliveries (message slots). */
  readonly unacked: SlotListHead = { head: -1 };
  linkToConsumerUs = 0;
  linkToBrokerUs = 0;
  readonly autoAck: boolean;
  readonly idempotent: boolean;
  readonly prefetch: number;
  readonly concurrency: number;
  readonly heartbeatUs: number;
  readonly failRate: number;
  readonly poison: number;
  /** Rejects on receipt: probability (0: never) and whether to requeue; never acks. */
  readonly rejectP: number;
  readonly rejectRequeue: boolean;
  readonly neverAck: boolean;
  readonly rngReject: Rng;
  readonly service: DurationSampler;
  /** Random crashes: gaps (exponential with mean mtbf) and restart delay; null if none. */
  readonly crashGap: DurationSampler | null;
  readonly crashRestartUs: number;
  readonly rngService: Rng;
  readonly rngNet: Rng;
  readonly rngBrokerNet: Rng;
  readonly rngFailures: Rng;
  readonly rngCrashes: Rng;
  readonly rngAckLoss: Rng;
  readonly rngEmit: Rng;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly consumer: number,
    /** Internal target: the queue it consumes, or its log group's target; -1 if none. */
    public queue: number,
    def: Consumer,
    seed: number,
    direct = false,
  ) {
    this.autoAck = def.ack === 'auto';
    this.idempotent = def.idempotent;
    // A direct channel's instance takes as many calls as it has servers: no buffering.
    this.prefetch = direct ? def.concurrency : def.prefetch;
    this.concurrency = def.concurrency;
    this.credit = this.autoAck ? Infinity : this.prefetch;
    this.heartbeatUs = msToUs(def.heartbeat);
    this.failRate = def.failRate;
    this.poison = def.poison;
    this.rejectP = def.reject?.probability ?? 0;
    this.rejectRequeue = def.reject?.requeue ?? false;
    this.neverAck = def.neverAck;
    this.rngReject = streamFor(seed, name, 'reject');
    this.procSlot = new Int32Array(def.concurrency).fill(-1);
    this.procToken = new Int32Array(def.concurrency);
    this.procStartUs = new Float64Array(def.concurrency);
    this.procFrozenUs = new Float64Array(def.concurrency);
    this.service = compileDurationUs(def.service);
    const c = def.crashes;
    this.crashGap = c === null ? null : compileDurationUs({ kind: 'exponential', mean: c.mtbf });
    this.crashRestartUs = c === null ? -1 : msToUs(c.restart);
    this.rngService = streamFor(seed, name, 'service');
    this.rngNet = streamFor(seed, name, 'network');
    this.rngBrokerNet = streamFor(seed, name, 'delivery-network');
    this.rngFailures = streamFor(seed, name, 'failures');
    this.rngCrashes = streamFor(seed, name, 'crashes');
    this.rngAckLoss = streamFor(seed, name, 'ack-loss');
    this.rngEmit = streamFor(seed, name, 'emit');
  }
}

/** Per consumer definition: its instances, and where it emits onward (event-driven chains). */
export class ConsumerRt {
  readonly instances: number[] = [];
  /** Channel index and probability of each emit rule. */
  readonly emitChannels: number[];
  readonly emitProbabilities: number[];
  /** Sender index of its emitted messages (message ids `consumerId:seq`), or -1. */
  sender = -1;
  emitSeq = 0;
  /** Routing label of its emitted messages (routing key: the consumer id). */
  label = 0;
  constructor(
    readonly index: number,
    def: Consumer,
    channelIndex: ReadonlyMap<string, number>,
    senderNames: readonly string[],
  ) {
    this.emitChannels = def.emit.map((e) => channelIndex.get(e.to) ?? -1);
    this.emitProbabilities = def.emit.map((e) => e.probability);
    if (def.emit.length > 0) this.sender = senderNames.indexOf(def.id);
  }
}
