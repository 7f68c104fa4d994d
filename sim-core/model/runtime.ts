// Plain-data runtime state of producers, queues and consumer instances, built once per run.
// Times are integer µs; every random draw comes from the entity's own named stream, so adding
// an entity changes no other entity's draws (common random numbers).

import type { Consumer, Producer, QueueOptions, Scenario } from '../scenario/types';
import { compileArrivals, compileDist, compileKeys, streamFor } from '../random';
import type { Arrivals, KeyPicker, Rng, Sampler } from '../random';
import { IntDeque } from './ring';
import { DeadlineFifo } from './deadline-fifo';
import type { Topology } from './topology';

/** ms (float) → integer µs. */
export function toUs(ms: number): number {
  return Math.round(ms * 1000);
}

/** A publish awaiting its confirm: retried with the same message id until confirmed or given up. */
export interface PendingPublish {
  seq: number;
  key: number;
  size: number;
  publishUs: number;
  attempts: number;
  /** Attempts still travelling to the broker. */
  inFlight: number;
  /** Confirmed, or given up: retired once no attempt is in flight. */
  done: boolean;
  /** Per fan-out target: the slot of the accepted copy (held by this record), or -1. */
  owners: Int32Array;
  acceptUs: Float64Array;
}

export class ProducerRt {
  seq = 0;
  /** With publisher confirms: each publish is tracked until confirmed or given up. */
  readonly tracked: boolean;
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
  /** Arrival time of the last message on the producer→broker link (links are FIFO, like TCP). */
  linkUs = 0;
  /** Publishes are held back until this time (a network partition). */
  partitionUntilUs = 0;
  done = false;

  constructor(
    readonly index: number,
    readonly def: Producer,
    readonly channel: number,
    seed: number,
  ) {
    this.remaining = def.count ?? Infinity;
    this.stopUs = def.stop === null ? Infinity : toUs(def.stop);
    this.arrivals = compileArrivals(def.rate, def.start);
    this.keys = compileKeys(def.keys);
    this.size = compileDist(def.size);
    this.rngArrivals = streamFor(seed, def.id, 'arrivals');
    this.rngKeys = streamFor(seed, def.id, 'keys');
    this.rngSize = streamFor(seed, def.id, 'size');
    this.rngNet = streamFor(seed, def.id, 'network');
    this.tracked = def.confirm !== null;
    this.confirmTimeoutUs = def.confirm === null ? 0 : toUs(def.confirm.timeout);
    this.retries = def.confirm?.retries ?? 0;
    this.backoffUs = def.confirm === null ? 0 : toUs(def.confirm.backoff);
    this.rngConfirmNet = streamFor(seed, def.id, 'confirm-network');
    this.rngConfirmLoss = streamFor(seed, def.id, 'confirm-loss');
  }
}

export class QueueRt {
  readonly ready = new IntDeque(1024);
  unacked = 0;
  /** Instances with prefetch credit, in round-robin order (each at most once). */
  readonly credit = new IntDeque(16);
  readonly instances: number[] = [];
  readonly ackTimeoutUs: number;
  /** Deliveries awaiting their ack deadline, oldest first: slot, token, deadline. */
  readonly timeouts = new DeadlineFifo();
  timerArmed = false;
  enqueueOrder = 0;
  /** Time-weighted depth (ready + unacked) since warmup, and its maximum. */
  depthAreaUs = 0;
  readyAreaUs = 0;
  depthMax = 0;
  lastTouchUs = 0;
  readonly retryDelay: Sampler;
  readonly rngRetry: Rng;
  readonly ttlUs: number;
  ttlArmed = false;
  readonly maxLength: number;
  readonly maxDeliveries: number;
  /** Channel index to dead-letter into, or -1 to discard. */
  deadLetterChannel = -1;
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
    readonly options: QueueOptions,
    seed: number,
    keyCount = 0,
    directTimeoutMs: number | null = null,
  ) {
    this.ackTimeoutUs = options.ackTimeout === null ? 0 : toUs(options.ackTimeout);
    this.groupBusy = options.fifoGroups ? new Uint8Array(keyCount + 1) : null;
    this.directTimeoutUs = directTimeoutMs === null ? -1 : toUs(directTimeoutMs);
    const ttlMs = directTimeoutMs ?? options.ttl;
    this.ttlUs = ttlMs === null ? 0 : Math.max(1, toUs(ttlMs));
    this.maxLength = options.maxLength ?? Infinity;
    this.maxDeliveries = options.maxDeliveries ?? Infinity;
    this.retryDelay = compileDist(options.retryDelay);
    this.rngRetry = streamFor(seed, name, 'retry');
  }

  get depth(): number {
    return this.ready.length + this.unacked;
  }

  /** Call before ready or unacked change: folds the elapsed interval into the depth integral. */
  touch(nowUs: number, warmupUs: number): void {
    const from = this.lastTouchUs > warmupUs ? this.lastTouchUs : warmupUs;
    if (nowUs > from) {
      this.depthAreaUs += (this.ready.length + this.unacked) * (nowUs - from);
      this.readyAreaUs += this.ready.length * (nowUs - from);
    }
    this.lastTouchUs = nowUs;
  }

  /** Call after a change: tracks the maximum depth. */
  settle(): void {
    const d = this.ready.length + this.unacked;
    if (d > this.depthMax) this.depthMax = d;
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
  /** The process is running (not crashed). */
  up = true;
  /** The broker's view: the instance's connection is live and may receive deliveries. */
  connected = true;
  /** Deliveries with a token at or below this belong to a dead connection. */
  connToken = 0;
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
  /** Next partition to offer first (round-robin over its partitions). */
  logCursor = 0;
  /** Traffic to and from the broker is held back until this time (a network partition). */
  partitionUntilUs = 0;
  slowFactor = 1;
  /** Head of the linked list of this instance's unacked deliveries (message slots). */
  unackedHead = -1;
  /** Time-weighted busy servers since warmup. */
  busyAreaUs = 0;
  lastTouchUs = 0;
  linkToConsumerUs = 0;
  linkToBrokerUs = 0;
  readonly autoAck: boolean;
  readonly prefetch: number;
  readonly concurrency: number;
  readonly heartbeatUs: number;
  readonly failRate: number;
  readonly poison: number;
  readonly service: Sampler;
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
    readonly def: Consumer,
    seed: number,
    direct = false,
  ) {
    this.autoAck = def.ack === 'auto';
    // A direct channel's instance takes as many calls as it has servers: no buffering.
    this.prefetch = direct ? def.concurrency : def.prefetch;
    this.concurrency = def.concurrency;
    this.credit = this.autoAck ? Infinity : this.prefetch;
    this.heartbeatUs = toUs(def.heartbeat);
    this.failRate = def.failRate;
    this.poison = def.poison;
    this.procSlot = new Int32Array(def.concurrency).fill(-1);
    this.procToken = new Int32Array(def.concurrency);
    this.procStartUs = new Float64Array(def.concurrency);
    this.service = compileDist(def.service);
    this.rngService = streamFor(seed, name, 'service');
    this.rngNet = streamFor(seed, name, 'network');
    this.rngBrokerNet = streamFor(seed, name, 'delivery-network');
    this.rngFailures = streamFor(seed, name, 'failures');
    this.rngCrashes = streamFor(seed, name, 'crashes');
    this.rngAckLoss = streamFor(seed, name, 'ack-loss');
    this.rngEmit = streamFor(seed, name, 'emit');
  }

  /** Call before busy changes: folds the elapsed interval into the busy integral. */
  touch(nowUs: number, warmupUs: number): void {
    const from = this.lastTouchUs > warmupUs ? this.lastTouchUs : warmupUs;
    if (nowUs > from) this.busyAreaUs += this.busy * (nowUs - from);
    this.lastTouchUs = nowUs;
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
  constructor(
    readonly def: Consumer,
    topo: Topology,
  ) {
    this.emitChannels = def.emit.map((e) => topo.channelIndex.get(e.to) ?? -1);
    this.emitProbabilities = def.emit.map((e) => e.probability);
    if (def.emit.length > 0) this.sender = topo.senderNames.indexOf(def.id);
  }
}

/** Builds every runtime entity for a run. */
export function buildRuntime(s: Scenario, topo: Topology, seed: number) {
  const producers = s.producers.map(
    (p, i) => new ProducerRt(i, p, topo.channelIndex.get(p.to) ?? -1, seed),
  );
  const keyCount = Math.max(
    0,
    ...s.producers.map((p) => (p.keys.kind === 'none' ? 0 : p.keys.count)),
  );
  const queues = topo.queues.map(
    (q, i) => new QueueRt(i, q.name, q.options, seed, keyCount, q.directTimeout),
  );
  const instances = topo.instances.map(
    (inst, i) =>
      new InstanceRt(
        i,
        inst.name,
        inst.consumer,
        inst.queue,
        s.consumers[inst.consumer],
        seed,
        inst.queue >= 0 && topo.queues[inst.queue].directTimeout !== null,
      ),
  );
  const consumers = s.consumers.map((c) => new ConsumerRt(c, topo));
  for (const inst of instances) {
    consumers[inst.consumer].instances.push(inst.index);
    if (inst.queue >= 0) {
      queues[inst.queue].instances.push(inst.index);
      queues[inst.queue].credit.pushBack(inst.index);
    }
  }
  for (const inst of instances) {
    if (inst.def.idempotent && inst.queue >= 0) queues[inst.queue].processedIds ??= new Set();
  }
  for (const q of queues) {
    const dl = q.options.deadLetter;
    q.deadLetterChannel = dl === null ? -1 : (topo.channelIndex.get(dl) ?? -1);
  }
  return { producers, queues, instances, consumers };
}
