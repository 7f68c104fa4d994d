// The broker model: handlers for producer arrivals, broker queues, deliveries, processing, acks
// and faults, driven by the kernel. Zero-latency hops are handled inline (same time, no heap
// entry); every state change is announced to the observer as a past-tense event.
// Queue-side operations (enqueue, dispatch, settle, requeue, dead-letter) live in QueueOps.

import { Kernel } from '../kernel/kernel';
import { BudgetExceededError, InvariantError } from '../kernel/errors';
import type { QueueOptions, Scenario } from '../scenario/types';
import { compileDist, ln, streamFor } from '../random';
import type { Rng, Sampler } from '../random';
import { Ev } from './events';
import type { SimObserver } from './events';
import { MessageStore, MsgFlag, MsgState } from './messages';
import { buildTopology } from './topology';
import type { Topology } from './topology';
import { buildRuntime, toUs } from './runtime';
import type { ConsumerRt, InstanceRt, PendingPublish, ProducerRt, QueueRt } from './runtime';
import { compileFaults } from './faults';
import type { CompiledFault } from './faults';
import { messageUniform } from './message-hash';
import { buildLogs } from './log';
import type { GroupRt, LogRt } from './log';
import { LogOps, LogTask } from './log-ops';
import { QueueRt as QueueRuntime } from './runtime';

/** Scheduled tasks (heap event kinds). */
export const Task = {
  produce: 1,
  atBroker: 2,
  atConsumer: 3,
  serviceDone: 4,
  ackAtBroker: 5,
  ackDeadline: 6,
  retryReady: 7,
  nackAtBroker: 8,
  crash: 9,
  restart: 10,
  detect: 11,
  ttlCheck: 12,
  fault: 13,
  faultEnd: 14,
  brokerCrash: 15,
  brokerRestart: 16,
  confirmAtProducer: 17,
  confirmTimeout: 18,
  retryPublish: 19,
} as const;

export class Engine {
  readonly kernel: Kernel;
  readonly msgs = new MessageStore();
  readonly topo: Topology;
  readonly producers: ProducerRt[];
  readonly queues: QueueRt[];
  readonly instances: InstanceRt[];
  readonly consumers: ConsumerRt[];
  readonly logs: LogRt[];
  readonly groups: GroupRt[];
  private readonly logByChannel: Array<LogRt | undefined>;
  /** Channels of kind direct: calls that never touch the broker. */
  private readonly directChannel: boolean[];
  readonly logOps: LogOps;
  readonly warmupUs: number;
  activeProducers: number;
  /** Publishes awaiting a confirm or a retry: a drained run waits for them. */
  pendingPublishes = 0;
  brokerUp = true;
  /** Current chain of random broker crashes (a restart starts a new one). */
  private brokerCrashEpoch = 0;
  tokenSeq = 0;
  readonly latency: Sampler;
  readonly zeroLatency: boolean;
  private readonly ackLoss: number;
  private readonly confirmLoss: number;
  private readonly maxHeld: number;
  private readonly drainMode: boolean;
  private readonly faults: CompiledFault[];
  private readonly brokerRng: Rng;

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    readonly obs: SimObserver,
  ) {
    const lim = scenario.limits;
    this.kernel = new Kernel({ maxEvents: lim.maxEvents, maxSimTimeUs: toUs(lim.maxSimTime) });
    this.maxHeld = lim.maxMessagesHeld;
    this.warmupUs = toUs(scenario.warmup);
    this.drainMode = scenario.until === 'drained';
    this.topo = buildTopology(scenario);
    const rt = buildRuntime(scenario, this.topo, seed);
    this.producers = rt.producers;
    this.queues = rt.queues;
    this.instances = rt.instances;
    this.consumers = rt.consumers;
    const lt = buildLogs(scenario, this.topo.channelIndex, this.instances, (name) => {
      const index = this.queues.length;
      this.queues.push(new QueueRuntime(index, name, GROUP_OPTIONS, seed));
      return index;
    });
    this.logs = lt.logs;
    this.groups = lt.groups;
    this.logByChannel = lt.logByChannel;
    this.directChannel = scenario.channels.map((c) => c.kind === 'direct');
    this.logOps = new LogOps(this);
    for (const g of this.groups) {
      for (const i of g.members) {
        const inst = this.instances[i];
        inst.queue = g.target;
        inst.group = g.index;
        inst.credit = 0; // members are fed partition by partition, not by prefetch credit
        inst.inRing = false;
        this.queues[g.target].instances.push(i);
        if (inst.def.idempotent) this.queues[g.target].processedIds ??= new Set();
        this.logOps.startCommitTicks(inst);
      }
    }
    const lat = scenario.network.latency;
    this.latency = compileDist(lat);
    this.zeroLatency = lat.kind === 'constant' && lat.value === 0;
    this.ackLoss = scenario.network.ackLoss;
    this.confirmLoss = scenario.network.confirmLoss;
    this.brokerRng = streamFor(seed, 'broker', 'crashes');
    this.faults = compileFaults(scenario, this.topo);
    this.activeProducers = this.producers.length;
    for (const p of this.producers) this.scheduleNextArrival(p);
    for (const inst of this.instances) this.scheduleRandomCrash(inst);
    this.scheduleBrokerCrash();
    this.faults.forEach((f, i) => this.kernel.at(f.atUs, Task.fault, i, 0, 0));
    for (const g of this.groups) this.logOps.rebalance(g);
  }

  handle(kind: number, a: number, b: number, c: number): void {
    switch (kind) {
      case Task.produce:
        return this.produce(this.producers[a]);
      case Task.atBroker:
        return this.arriveAtBroker(a, b);
      case Task.atConsumer:
        return this.arriveAtConsumer(a, this.instances[b], c);
      case Task.serviceDone:
        return this.serviceDone(a, this.instances[b], c);
      case Task.ackAtBroker:
      case Task.nackAtBroker:
        // An ack still on the wire when its connection died (crash, broker restart) is void.
        if (c <= this.instances[b].connToken) return;
        return this.ackAtBroker(a, this.instances[b], c, kind === Task.nackAtBroker);
      case Task.ackDeadline:
        return this.ackDeadline(this.queues[a]);
      case Task.retryReady:
        return this.retryReady(a, c);
      case Task.ttlCheck:
        return this.ttlCheck(this.queues[a]);
      case Task.crash:
        // A random crash belongs to one chain; a restart starts a new chain, voiding the old one.
        if (b !== this.instances[a].crashEpoch) return;
        return this.crashInstance(this.instances[a], c);
      case Task.restart:
        return this.restartInstance(this.instances[a]);
      case Task.detect:
        return this.detectDeadConnection(this.instances[a], c);
      case Task.fault:
        return this.startFault(this.faults[a]);
      case Task.faultEnd:
        return this.endFault(this.faults[a]);
      case Task.brokerCrash:
        if (b !== this.brokerCrashEpoch) return;
        return this.crashBroker(c);
      case Task.brokerRestart:
        return this.restartBroker();
      case Task.confirmAtProducer:
        return this.confirmAtProducer(this.producers[a], b === 1, c);
      case Task.confirmTimeout:
        return this.confirmTimeout(this.producers[a], b, c);
      case Task.retryPublish:
        return this.retryPublish(this.producers[a], c);
      case LogTask.retention:
        return this.logOps.retention(this.logs[a]);
      case LogTask.commitAtBroker:
        return this.logOps.commitAtBroker(a, b, c);
      case LogTask.commitTick:
        return this.logOps.commitTick(this.instances[a]);
      default:
        throw this.invariant(`unknown task ${kind}`);
    }
  }

  // ---- producers -------------------------------------------------------------------------

  private scheduleNextArrival(p: ProducerRt): void {
    const t = p.remaining > 0 ? p.arrivals.next(p.rngArrivals) : Infinity;
    if (t >= p.stopUs || t === Infinity) {
      p.done = true;
      this.activeProducers--;
      this.checkDrained();
    } else this.kernel.at(t, Task.produce, p.index, 0, 0);
  }

  private produce(p: ProducerRt): void {
    p.remaining--;
    const seq = ++p.seq;
    const key = p.keys.next(p.rngKeys);
    const size = p.size.sample(p.rngSize);
    const now = this.kernel.nowUs;
    if (p.def.confirm !== null) {
      const targets = this.topo.channelTargets[p.channel].length;
      const rec: PendingPublish = {
        seq,
        key,
        size,
        publishUs: now,
        attempts: 0,
        inFlight: 0,
        done: false,
        owners: new Int32Array(targets).fill(-1),
        acceptUs: new Float64Array(targets),
      };
      p.pending.set(seq, rec);
      this.pendingPublishes++;
      this.attempt(p, rec);
    } else this.send(p, this.newMessage(p.index, seq, key, size, now, now));
    this.scheduleNextArrival(p);
  }

  /** A fresh message slot with its identity and timing. */
  private newMessage(
    sender: number,
    seq: number,
    key: number,
    size: number,
    publishUs: number,
    originUs: number,
  ): number {
    const m = this.msgs;
    if (m.live >= this.maxHeld) this.overHeld();
    const s = m.alloc();
    m.producer[s] = sender;
    m.seq[s] = seq;
    m.key[s] = key;
    m.size[s] = size;
    m.publishUs[s] = publishUs;
    m.originUs[s] = originUs;
    return s;
  }

  /** One publish attempt on the producer's FIFO link to the broker. */
  private send(p: ProducerRt, s: number): void {
    const now = this.kernel.nowUs;
    this.obs.onEvent(Ev.published, now, s, p.index, 0);
    if (this.zeroLatency && p.partitionUntilUs <= now) this.arriveAtBroker(s, p.channel);
    else {
      p.linkUs = this.hopArrival(p.linkUs, p.rngNet, p.partitionUntilUs);
      this.kernel.at(p.linkUs, Task.atBroker, s, p.channel, 0);
    }
  }

  /** Publishes (again) a message awaiting its confirm, with the same id; arms its timeout. */
  private attempt(p: ProducerRt, rec: PendingPublish): void {
    rec.attempts++;
    rec.inFlight++;
    this.kernel.after(p.confirmTimeoutUs, Task.confirmTimeout, p.index, rec.attempts, rec.seq);
    this.send(
      p,
      this.newMessage(p.index, rec.seq, rec.key, rec.size, rec.publishUs, rec.publishUs),
    );
  }

  private confirmAtProducer(p: ProducerRt, ok: boolean, seq: number): void {
    const rec = p.pending.get(seq);
    if (rec === undefined || rec.done) return;
    if (!ok) return this.retryOrGiveUp(p, rec); // a nack: a failure, retried like an unknown outcome
    rec.done = true;
    this.obs.onEvent(Ev.confirmed, this.kernel.nowUs, -1, p.index, seq);
    this.retire(p, rec);
  }

  /** No confirm in time: the outcome is unknown, so the message is sent again with the same id. */
  private confirmTimeout(p: ProducerRt, attempt: number, seq: number): void {
    const rec = p.pending.get(seq);
    if (rec === undefined || rec.done || rec.attempts !== attempt) return;
    this.retryOrGiveUp(p, rec);
  }

  private retryOrGiveUp(p: ProducerRt, rec: PendingPublish): void {
    if (rec.attempts > p.retries) {
      rec.done = true;
      this.obs.onEvent(Ev.publishFailed, this.kernel.nowUs, -1, p.index, rec.seq);
      this.retire(p, rec);
      return;
    }
    // Exponential backoff: backoff, 2×backoff, 4×backoff, ...
    const delayUs = p.backoffUs * 2 ** Math.min(30, rec.attempts - 1);
    rec.attempts++; // reserves the attempt number, so a late timeout of the previous one is ignored
    this.kernel.after(delayUs, Task.retryPublish, p.index, 0, rec.seq);
  }

  private retryPublish(p: ProducerRt, seq: number): void {
    const rec = p.pending.get(seq);
    if (rec === undefined || rec.done) return;
    rec.attempts--;
    this.attempt(p, rec);
  }

  /** Forgets a finished publish once none of its attempts is still on the way. */
  private retire(p: ProducerRt, rec: PendingPublish): void {
    if (!rec.done || rec.inFlight > 0 || !p.pending.has(rec.seq)) return;
    p.pending.delete(rec.seq);
    this.pendingPublishes--;
    for (const owner of rec.owners) if (owner >= 0) this.release(owner);
    this.checkDrained();
  }

  private sendConfirm(p: ProducerRt, seq: number, ok: boolean): void {
    if (this.confirmLoss > 0 && p.rngConfirmLoss.nextFloat() < this.confirmLoss) return; // lost
    const now = this.kernel.nowUs;
    if (this.zeroLatency && p.partitionUntilUs <= now) this.confirmAtProducer(p, ok, seq);
    else {
      p.confirmLinkUs = this.hopArrival(p.confirmLinkUs, p.rngConfirmNet, p.partitionUntilUs);
      this.kernel.at(p.confirmLinkUs, Task.confirmAtProducer, p.index, ok ? 1 : 0, seq);
    }
  }

  /**
   * Arrival time of a message sent now on a FIFO link whose last arrival was lastUs; a partition
   * holds traffic back until it heals (TCP retransmits rather than loses it).
   */
  /** One sampled hop latency in µs. */
  hopDelay(rng: Rng): number {
    return toUs(this.latency.sample(rng));
  }

  /** Schedules a delivery's arrival at a consumer. */
  scheduleArrival(atUs: number, s: number, inst: InstanceRt, token: number): void {
    this.kernel.at(atUs, Task.atConsumer, s, inst.index, token);
  }

  /** Arrival time at the broker of an ack or commit sent now by an instance. */
  ackArrival(inst: InstanceRt): number {
    inst.linkToBrokerUs = this.hopArrival(inst.linkToBrokerUs, inst.rngNet, inst.partitionUntilUs);
    return inst.linkToBrokerUs;
  }

  /** Whether the network loses this ack (or commit). */
  lostAck(inst: InstanceRt): boolean {
    return this.ackLoss > 0 && inst.rngAckLoss.nextFloat() < this.ackLoss;
  }

  hopArrival(lastUs: number, rng: Rng, heldUntilUs: number): number {
    let t = this.kernel.nowUs + toUs(this.latency.sample(rng));
    if (t < heldUntilUs) t = heldUntilUs;
    return t > lastUs ? t : lastUs;
  }

  // ---- broker: routing and queues ---------------------------------------------------------

  /** A message reaches the broker for a channel: fan out to its queues, or refuse it. */
  arriveAtBroker(s: number, channel: number): void {
    const now = this.kernel.nowUs;
    const m0 = this.msgs;
    const sender = m0.producer[s];
    if (sender < this.producers.length && this.producers[sender].tracked) {
      const p = this.producers[sender];
      const rec = (m0.flags[s] & MsgFlag.secondary) === 0 ? p.pending.get(m0.seq[s]) : undefined;
      if (rec !== undefined) return this.arriveTracked(p, rec, s, channel);
    }
    if (!this.brokerUp && !this.directChannel[channel]) {
      this.obs.onEvent(Ev.rejected, now, s, -1, 0);
      this.release(s);
      return;
    }
    const log = this.logByChannel[channel];
    if (log !== undefined) return this.logOps.append(log, s);
    const targets = this.topo.channelTargets[channel];
    if (targets.length === 0) {
      this.obs.onEvent(Ev.unrouted, now, s, channel, 0);
      this.release(s);
      return;
    }
    const m = this.msgs;
    for (let i = 1; i < targets.length; i++) {
      const copy = m.alloc();
      m.copyIdentity(s, copy);
      this.enqueue(this.queues[targets[i]], copy);
    }
    this.enqueue(this.queues[targets[0]], s);
  }

  /**
   * A publish attempt of a message awaiting its confirm. A copy the broker already accepted from
   * an earlier attempt is dropped when the producer is idempotent (or within the queue's dedup
   * window); otherwise it is accepted again: a further physical instance of the same copy.
   */
  private arriveTracked(p: ProducerRt, rec: PendingPublish, s: number, channel: number): void {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    rec.inFlight--;
    if (!this.brokerUp) {
      // The connection is down: no confirm comes back, and the producer's timeout decides.
      this.obs.onEvent(Ev.rejected, now, s, -1, 0);
      this.release(s);
      return this.retire(p, rec);
    }
    const targets = this.topo.channelTargets[channel];
    if (targets.length === 0) this.obs.onEvent(Ev.unrouted, now, s, channel, 0);
    let refused = false;
    for (let i = 0; i < targets.length; i++) {
      const q = this.queues[targets[i]];
      const owner = rec.owners[i];
      if (owner >= 0) {
        const window = q.options.dedupWindow;
        if (p.def.idempotent || (window !== null && now - rec.acceptUs[i] <= toUs(window))) {
          this.obs.onEvent(Ev.deduplicated, now, s, q.index, 0);
          continue;
        }
        const dup = m.alloc();
        m.copyIdentity(s, dup);
        m.copyOf[dup] = owner;
        m.refs[owner]++;
        this.enqueue(q, dup, 1);
        continue;
      }
      const copy = m.alloc();
      m.copyIdentity(s, copy);
      m.refs[copy]++; // held by the pending publish, so a retry can still find the copy
      if (this.enqueue(q, copy, 0)) {
        rec.owners[i] = copy;
        rec.acceptUs[i] = now;
      } else {
        refused = true;
        this.release(copy);
      }
    }
    this.release(s);
    this.sendConfirm(p, rec.seq, !refused);
    this.retire(p, rec);
  }

  /** Accepts a copy into a queue; false if the queue refused it (reject-publish overflow). */
  private enqueue(q: QueueRt, s: number, aux = this.copyAux(s)): boolean {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    if (q.ready.length >= q.maxLength) {
      if (q.options.overflow === 'reject-publish') {
        this.obs.onEvent(Ev.rejected, now, s, q.index, 0);
        this.release(s);
        return false;
      }
      q.touch(now, this.warmupUs);
      this.endCopy(q, q.ready.popFront(), Ev.dropped);
    }
    m.queue[s] = q.index;
    m.state[s] = MsgState.ready;
    m.enqueueUs[s] = now;
    m.enqueueOrder[s] = q.enqueueOrder++;
    q.touch(now, this.warmupUs);
    q.ready.pushBack(s);
    q.settle();
    if (q.directTimeoutUs >= 0) return this.call(q, s);
    this.obs.onEvent(Ev.enqueued, now, s, q.index, aux);
    this.armTtl(q);
    this.dispatch(q);
    return true;
  }

  /**
   * A synchronous call on a direct channel: it waits (state transit: not yet a copy) for a free
   * instance at most the channel's timeout, then fails as rejected; with timeout 0 it fails at once.
   */
  private call(q: QueueRt, s: number): boolean {
    this.msgs.state[s] = MsgState.transit;
    this.dispatch(q);
    if (this.msgs.state[s] !== MsgState.transit) return true;
    if (q.directTimeoutUs === 0) {
      q.ready.popBack();
      this.obs.onEvent(Ev.rejected, this.kernel.nowUs, s, q.index, 0);
      this.release(s);
      return false;
    }
    this.armTtl(q);
    return true;
  }

  /** The enqueued event's aux for a copy: 2 for a dead-lettered (secondary) copy, else 0. */
  private copyAux(s: number): number {
    return (this.msgs.flags[s] & MsgFlag.secondary) !== 0 ? 2 : 0;
  }

  /** Puts an instance with credit back in its queue's round-robin, once. */
  offerCredit(inst: InstanceRt): void {
    if (!inst.inRing && inst.connected && inst.credit > 0 && inst.queue >= 0) {
      inst.inRing = true;
      this.queues[inst.queue].credit.pushBack(inst.index);
    }
  }

  /** Hands ready messages to connected instances with credit, round-robin. */
  dispatch(q: QueueRt): void {
    if (!this.brokerUp && q.directTimeoutUs < 0) return;
    const m = this.msgs;
    while (q.ready.length > 0 && q.credit.length > 0) {
      const inst = this.instances[q.credit.popFront()];
      inst.inRing = false;
      if (!inst.connected || inst.credit <= 0) continue;
      let s: number;
      if (q.groupBusy !== null) {
        const i = this.firstFreeGroup(q);
        if (i < 0) {
          this.offerCredit(inst); // every waiting message's group is busy: wait for an ack
          break;
        }
        s = q.ready.removeAt(i);
      } else s = q.ready.popFront();
      if (q.ttlUs > 0 && this.kernel.nowUs - m.enqueueUs[s] >= q.ttlUs) {
        q.touch(this.kernel.nowUs, this.warmupUs);
        this.endCopy(q, s, Ev.expired);
        this.offerCredit(inst);
        continue;
      }
      this.deliver(q, s, inst);
    }
  }

  /** FIFO groups: the first ready message whose group has nothing in flight, or -1. */
  private firstFreeGroup(q: QueueRt): number {
    const busy = q.groupBusy!;
    if (q.busyGroups >= busy.length) return -1;
    const m = this.msgs;
    for (let i = 0; i < q.ready.length; i++) if (busy[m.key[q.ready.at(i)] + 1] === 0) return i;
    return -1;
  }

  private deliver(q: QueueRt, s: number, inst: InstanceRt): void {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    // A direct call counts as a copy once an instance takes it (a call that finds none fails).
    if (q.directTimeoutUs >= 0) this.obs.onEvent(Ev.enqueued, now, s, q.index, this.copyAux(s));
    if (!inst.autoAck) this.holdGroup(q, s, true);
    const token = ++this.tokenSeq;
    const n = ++m.deliveries[s];
    m.token[s] = token;
    m.inst[s] = inst.index;
    q.touch(now, this.warmupUs);
    if (inst.autoAck) {
      // noAck: the broker forgets the message as it sends it; its reference moves to the delivery.
      m.state[s] = MsgState.gone;
      this.offerCredit(inst);
      this.obs.onEvent(Ev.delivered, now, s, inst.index, n);
      this.obs.onEvent(Ev.acked, now, s, q.index, 0);
    } else {
      q.unacked++;
      m.state[s] = MsgState.unacked;
      m.refs[s]++;
      this.linkUnacked(inst, s);
      inst.credit--;
      this.offerCredit(inst);
      if (q.ackTimeoutUs > 0) this.armDeadline(q, s, token, now + q.ackTimeoutUs);
      this.obs.onEvent(Ev.delivered, now, s, inst.index, n);
    }
    if (this.zeroLatency && inst.partitionUntilUs <= now) this.arriveAtConsumer(s, inst, token);
    else {
      inst.linkToConsumerUs = this.hopArrival(
        inst.linkToConsumerUs,
        inst.rngBrokerNet,
        inst.partitionUntilUs,
      );
      this.kernel.at(inst.linkToConsumerUs, Task.atConsumer, s, inst.index, token);
    }
  }

  private linkUnacked(inst: InstanceRt, s: number): void {
    const m = this.msgs;
    const head = inst.unackedHead;
    m.prev[s] = -1;
    m.next[s] = head;
    if (head >= 0) m.prev[head] = s;
    inst.unackedHead = s;
  }

  private unlinkUnacked(inst: InstanceRt, s: number): void {
    const m = this.msgs;
    const p = m.prev[s];
    const n = m.next[s];
    if (p >= 0) m.next[p] = n;
    else inst.unackedHead = n;
    if (n >= 0) m.prev[n] = p;
  }

  /**
   * Removes an unacked delivery from the broker's books. A live connection gets its prefetch
   * credit back, unless `withhold`: the consumer still holds a timed-out delivery, and its credit
   * returns only when that delivery's (late) ack arrives, so prefetch keeps bounding its buffer.
   */
  private settleDelivery(q: QueueRt, s: number, withhold = false): void {
    const m = this.msgs;
    const inst = this.instances[m.inst[s]];
    q.touch(this.kernel.nowUs, this.warmupUs);
    q.unacked--;
    this.unlinkUnacked(inst, s);
    if (!inst.autoAck) this.holdGroup(q, s, false);
    if (inst.autoAck || !inst.connected || m.token[s] <= inst.connToken) return;
    if (withhold) inst.withheld++;
    else {
      inst.credit++;
      this.offerCredit(inst);
    }
  }

  /** Whether an instance still holds (buffered or processing) the delivery with this token. */
  private holds(inst: InstanceRt, token: number): boolean {
    for (let k = 0; k < inst.concurrency; k++)
      if (inst.procSlot[k] >= 0 && inst.procToken[k] === token) return true;
    for (let i = 0; i < inst.bufferTokens.length; i++)
      if (inst.bufferTokens.at(i) === token) return true;
    return false;
  }

  private ackAtBroker(s: number, inst: InstanceRt, token: number, negative: boolean): void {
    const m = this.msgs;
    if (!this.brokerUp) return;
    if (m.state[s] !== MsgState.unacked || m.token[s] !== token) {
      // A late ack of a timed-out delivery: the message moved on, but the credit comes back.
      if (inst.withheld > 0 && inst.connected) {
        inst.withheld--;
        inst.credit++;
        this.offerCredit(inst);
        this.dispatch(this.queues[inst.queue]);
      }
      return;
    }
    const q = this.queues[m.queue[s]];
    this.settleDelivery(q, s);
    if (negative) {
      this.obs.onEvent(Ev.nacked, this.kernel.nowUs, s, q.index, 0);
      // A failed synchronous call returns an error to its caller: nothing retries it.
      if (q.directTimeoutUs >= 0) this.endCopy(q, s, Ev.lost);
      else this.requeueOrDeadLetter(q, s);
    } else {
      m.state[s] = MsgState.gone;
      this.obs.onEvent(Ev.acked, this.kernel.nowUs, s, q.index, 0);
      this.release(s);
    }
    this.dispatch(q);
  }

  private armDeadline(q: QueueRt, s: number, token: number, deadlineUs: number): void {
    q.timeouts.push(deadlineUs, s, token);
    if (!q.timerArmed) {
      q.timerArmed = true;
      this.kernel.at(deadlineUs, Task.ackDeadline, q.index, 0, 0);
    }
  }

  /** Times out every overdue delivery, skips settled ones, and re-arms for the next live one. */
  private ackDeadline(q: QueueRt): void {
    const m = this.msgs;
    const f = q.timeouts;
    const now = this.kernel.nowUs;
    q.timerArmed = false;
    if (!this.brokerUp) return; // re-armed when the broker restarts
    while (f.length > 0) {
      const s = f.headSlot();
      const live = m.state[s] === MsgState.unacked && m.token[s] === f.headToken();
      if (live && f.headDeadline() > now) break;
      f.shift();
      if (live) {
        const inst = this.instances[m.inst[s]];
        this.settleDelivery(q, s, this.holds(inst, m.token[s]));
        this.obs.onEvent(Ev.timedOut, now, s, q.index, 0);
        this.requeueOrDeadLetter(q, s);
      }
    }
    this.rearmDeadline(q);
    this.dispatch(q);
  }

  private rearmDeadline(q: QueueRt): void {
    if (q.timerArmed || q.timeouts.length === 0) return;
    q.timerArmed = true;
    this.kernel.at(q.timeouts.headDeadline(), Task.ackDeadline, q.index, 0, 0);
  }

  /** A settled, unsuccessful delivery: redeliver, or dead-letter once maxDeliveries is reached. */
  /**
   * A settled, unsuccessful delivery: redeliver, or dead-letter once maxDeliveries is reached.
   * The retry delay applies to nacks and timeouts, not to deliveries returned by a dead connection.
   */
  private requeueOrDeadLetter(q: QueueRt, s: number, delay = true): void {
    if (this.msgs.deliveries[s] >= q.maxDeliveries) this.endCopy(q, s, Ev.deadLettered);
    else if (delay) this.requeue(q, s);
    else this.makeReady(q, s);
  }

  /** Returns a settled delivery to the ready queue, after the retry delay if there is one. */
  private requeue(q: QueueRt, s: number): void {
    const delayUs = toUs(q.retryDelay.sample(q.rngRetry));
    if (delayUs > 0) {
      this.msgs.state[s] = MsgState.delayed;
      this.holdGroup(q, s, true); // SQS FIFO: a group waits for its failed message
      this.kernel.after(delayUs, Task.retryReady, s, 0, this.msgs.token[s]);
      return;
    }
    this.makeReady(q, s);
  }

  private retryReady(s: number, token: number): void {
    const m = this.msgs;
    if (m.state[s] !== MsgState.delayed || m.token[s] !== token) return;
    const q = this.queues[m.queue[s]];
    this.makeReady(q, s);
    this.dispatch(q);
  }

  /** FIFO groups: marks a message's group busy (or free again). */
  private holdGroup(q: QueueRt, s: number, busy: boolean): void {
    if (q.groupBusy === null) return;
    const g = this.msgs.key[s] + 1;
    if ((q.groupBusy[g] === 1) === busy) return;
    q.groupBusy[g] = busy ? 1 : 0;
    q.busyGroups += busy ? 1 : -1;
  }

  private makeReady(q: QueueRt, s: number): void {
    const m = this.msgs;
    q.touch(this.kernel.nowUs, this.warmupUs);
    if (m.state[s] === MsgState.delayed) this.holdGroup(q, s, false);
    m.state[s] = MsgState.ready;
    // FIFO groups keep their order whatever `requeue` says: a message returns ahead of its group.
    if (q.options.requeue === 'back' && q.groupBusy === null) q.ready.pushBack(s);
    else {
      const order = m.enqueueOrder[s];
      q.ready.insertOrdered(s, (other) => m.enqueueOrder[other] > order);
    }
    q.settle();
    this.obs.onEvent(Ev.requeued, this.kernel.nowUs, s, q.index, 0);
    this.armTtl(q);
  }

  /**
   * A copy leaves its queue for good (dead-lettered, expired, dropped or lost). Dead-lettered,
   * expired and dropped copies move on to the dead-letter channel when there is one.
   */
  private endCopy(q: QueueRt, s: number, fate: Fate): void {
    const m = this.msgs;
    if (q.directTimeoutUs >= 0 && m.state[s] === MsgState.transit) {
      this.obs.onEvent(Ev.rejected, this.kernel.nowUs, s, q.index, 0); // a call that found no instance in time
      this.release(s);
      return;
    }
    if (m.state[s] === MsgState.delayed) this.holdGroup(q, s, false);
    this.obs.onEvent(fate, this.kernel.nowUs, s, q.index, 0);
    m.state[s] = MsgState.gone;
    m.flags[s] |= MsgFlag.ended;
    if (fate !== Ev.lost && q.deadLetterChannel >= 0) {
      const d = m.alloc();
      m.copyIdentity(s, d);
      m.flags[d] |= MsgFlag.secondary;
      this.arriveAtBroker(d, q.deadLetterChannel);
    }
    this.release(s);
  }

  private armTtl(q: QueueRt): void {
    if (q.ttlUs === 0 || q.ttlArmed || q.ready.length === 0) return;
    q.ttlArmed = true;
    this.kernel.at(
      this.msgs.enqueueUs[q.ready.peekFront()] + q.ttlUs,
      Task.ttlCheck,
      q.index,
      0,
      0,
    );
  }

  /** Expires ready messages at the head of the queue (as RabbitMQ does), then re-arms. */
  private ttlCheck(q: QueueRt): void {
    q.ttlArmed = false;
    if (!this.brokerUp) return; // re-armed when the broker restarts
    const m = this.msgs;
    const now = this.kernel.nowUs;
    while (q.ready.length > 0 && now - m.enqueueUs[q.ready.peekFront()] >= q.ttlUs) {
      q.touch(now, this.warmupUs);
      this.endCopy(q, q.ready.popFront(), Ev.expired);
    }
    this.armTtl(q);
  }

  // ---- consumers -------------------------------------------------------------------------

  arriveAtConsumer(s: number, inst: InstanceRt, token: number): void {
    if (!inst.up || token <= inst.connToken) {
      if (inst.up) this.forgetLogDelivery(inst, s, token);
      this.dropDelivery(s); // sent to a process or connection that died on the way
      return;
    }
    this.obs.onEvent(Ev.received, this.kernel.nowUs, s, inst.index, 0);
    inst.buffer.pushBack(s);
    inst.bufferTokens.pushBack(token);
    this.pump(inst);
  }

  /**
   * A consumer lets go of a delivery it never finished. Under manual ack the broker still holds
   * the message (it comes back on redelivery); under auto ack it was the only copy: lost.
   */
  private dropDelivery(s: number): void {
    const m = this.msgs;
    const unended = (m.flags[s] & (MsgFlag.ended | MsgFlag.logRecord)) === 0;
    if (m.state[s] === MsgState.gone && unended && m.processed[m.copyOf[s]] === 0) {
      m.flags[s] |= MsgFlag.ended;
      this.obs.onEvent(Ev.lost, this.kernel.nowUs, s, m.queue[s], 0);
    }
    this.release(s);
  }

  /** Starts buffered deliveries, oldest first, while the instance has a free server. */
  private pump(inst: InstanceRt): void {
    while (inst.busy < inst.concurrency && inst.buffer.length > 0) {
      this.startProcessing(inst.buffer.popFront(), inst, inst.bufferTokens.popFront());
    }
  }

  private startProcessing(s: number, inst: InstanceRt, token: number): void {
    const now = this.kernel.nowUs;
    let k = 0;
    while (k < inst.concurrency && inst.procSlot[k] >= 0) k++;
    if (k === inst.concurrency) throw this.invariant(`${inst.name} has no free server`);
    inst.touch(now, this.warmupUs);
    inst.busy++;
    inst.procSlot[k] = s;
    inst.procToken[k] = token;
    inst.procStartUs[k] = now;
    const serviceUs = toUs(inst.service.sample(inst.rngService) * inst.slowFactor);
    this.obs.onEvent(Ev.started, now, s, inst.index, 0);
    this.kernel.at(now + serviceUs, Task.serviceDone, s, inst.index, token);
  }

  private serviceDone(s: number, inst: InstanceRt, token: number): void {
    if (token <= inst.killToken) return; // the instance crashed while processing
    const now = this.kernel.nowUs;
    const m = this.msgs;
    let k = 0;
    while (k < inst.concurrency && (inst.procToken[k] !== token || inst.procSlot[k] !== s)) k++;
    if (k === inst.concurrency)
      throw this.invariant(`${inst.name} finished a delivery it was not processing`);
    const startUs = inst.procStartUs[k];
    inst.procSlot[k] = -1;
    inst.touch(now, this.warmupUs);
    inst.busy--;
    const failed =
      (inst.poison > 0 && messageUniform(this.seed, m.producer[s], m.seq[s]) < inst.poison) ||
      (inst.failRate > 0 && inst.rngFailures.nextFloat() < inst.failRate);
    if ((m.flags[s] & MsgFlag.logRecord) !== 0) {
      this.pump(inst);
      return this.logOps.finish(s, inst, token, failed, startUs);
    }
    if (failed) this.obs.onEvent(Ev.failed, now, s, inst.index, 0);
    else this.applySideEffect(s, inst, startUs);
    // The next buffered delivery starts before the ack goes out: with a zero-latency network the
    // ack is handled inline and may bring a new delivery, which must queue behind the buffer.
    this.pump(inst);
    if (!inst.autoAck) {
      this.sendAck(s, inst, token, failed);
      this.release(s);
    } else if (failed)
      this.dropDelivery(s); // auto ack: the broker no longer has it
    else this.release(s);
  }

  /** The processing's side effect: once per copy, or again (a duplicate) unless idempotent. */
  private applySideEffect(s: number, inst: InstanceRt, startUs: number): void {
    const m = this.msgs;
    const owner = m.copyOf[s];
    const first = m.processed[owner] === 0;
    if (m.processed[owner] < 255) m.processed[owner]++;
    this.sideEffect(s, inst, startUs, first);
  }

  /**
   * Runs (or, for an idempotent consumer that has seen the id, suppresses) a side effect, and
   * emits onward. `first`: the copy's first processing.
   */
  sideEffect(s: number, inst: InstanceRt, startUs: number, first: boolean): void {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    const seen = inst.def.idempotent ? this.queues[inst.queue].processedIds : null;
    if (seen !== null) {
      const id = m.producer[s] * 2147483648 + m.seq[s];
      if (seen.has(id)) {
        this.obs.onEvent(Ev.suppressed, now, s, inst.index, 0);
        return;
      }
      seen.add(id);
    }
    this.obs.onEvent(first ? Ev.processed : Ev.reprocessed, now, s, inst.index, startUs);
    const c = this.consumers[inst.consumer];
    if (c.sender >= 0) this.emitOnward(s, inst, c);
  }

  /**
   * Event-driven chains: after its side effect the consumer publishes onward. The new message
   * has its own id (`consumerId:seq`), keeps the key, and remembers the chain's origin time.
   */
  private emitOnward(s: number, inst: InstanceRt, c: ConsumerRt): void {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    for (let i = 0; i < c.emitChannels.length; i++) {
      const pr = c.emitProbabilities[i];
      if (pr < 1 && inst.rngEmit.nextFloat() >= pr) continue;
      const e = this.newMessage(c.sender, ++c.emitSeq, m.key[s], m.size[s], now, m.originUs[s]);
      this.obs.onEvent(Ev.published, now, e, c.sender, 0);
      if (this.zeroLatency && inst.partitionUntilUs <= now)
        this.arriveAtBroker(e, c.emitChannels[i]);
      else {
        inst.linkToBrokerUs = this.hopArrival(
          inst.linkToBrokerUs,
          inst.rngNet,
          inst.partitionUntilUs,
        );
        this.kernel.at(inst.linkToBrokerUs, Task.atBroker, e, c.emitChannels[i], 0);
      }
    }
  }

  private sendAck(s: number, inst: InstanceRt, token: number, negative: boolean): void {
    if (token <= inst.connToken) return; // its connection is gone: the ack cannot be sent
    if (this.lostAck(inst)) return; // lost in transit
    const now = this.kernel.nowUs;
    if (this.zeroLatency && inst.partitionUntilUs <= now)
      this.ackAtBroker(s, inst, token, negative);
    else {
      const kind = negative ? Task.nackAtBroker : Task.ackAtBroker;
      this.kernel.at(this.ackArrival(inst), kind, s, inst.index, token);
    }
  }

  // ---- failures --------------------------------------------------------------------------

  private scheduleRandomCrash(inst: InstanceRt): void {
    const c = inst.def.crashes;
    if (c === null) return;
    const gapUs = toUs(-c.mtbf * lnOf(inst.rngCrashes));
    this.kernel.after(gapUs, Task.crash, inst.index, ++inst.crashEpoch, toUs(c.restart));
  }

  /** The process dies: its buffer and in-progress work are gone; the broker notices later. */
  crashInstance(inst: InstanceRt, restartUs: number): void {
    if (!inst.up) return;
    const now = this.kernel.nowUs;
    inst.up = false;
    inst.killToken = this.tokenSeq;
    inst.connToken = this.tokenSeq;
    this.obs.onEvent(Ev.crashed, now, -1, inst.index, 0);
    this.dropBuffer(inst);
    inst.touch(now, this.warmupUs);
    for (let k = 0; k < inst.concurrency; k++) {
      if (inst.procSlot[k] < 0) continue;
      const s = inst.procSlot[k];
      inst.procSlot[k] = -1;
      this.dropDelivery(s);
    }
    inst.busy = 0;
    inst.logInFlight = 0;
    const detectUs = now + this.detectionDelay(inst);
    this.kernel.at(detectUs, Task.detect, inst.index, 0, inst.connToken);
    // Simplification: the restarted process reconnects once the broker has noticed the old connection is gone.
    if (restartUs >= 0)
      this.kernel.at(Math.max(now + restartUs, detectUs), Task.restart, inst.index, 0, 0);
  }

  /** Settles every unacked delivery of an instance and returns them oldest first (requeue order). */
  private takeUnacked(q: QueueRt, inst: InstanceRt): number[] {
    const out: number[] = [];
    for (let s = inst.unackedHead; s >= 0; s = this.msgs.next[s]) out.push(s);
    out.reverse();
    for (const s of out) this.settleDelivery(q, s);
    return out;
  }

  private isDirect(inst: InstanceRt): boolean {
    return inst.queue >= 0 && this.queues[inst.queue].directTimeoutUs >= 0;
  }

  /** How long until the broker gives up on a silent instance: heartbeat, or a log group's session timeout. */
  private detectionDelay(inst: InstanceRt): number {
    return inst.group >= 0 ? this.groups[inst.group].sessionTimeoutUs : inst.heartbeatUs;
  }

  private dropBuffer(inst: InstanceRt): void {
    while (inst.buffer.length > 0) {
      const token = inst.bufferTokens.popFront();
      const s = inst.buffer.popFront();
      this.forgetLogDelivery(inst, s, token);
      this.dropDelivery(s);
    }
  }

  /** A log record delivered to this process life that it will never finish frees its server. */
  private forgetLogDelivery(inst: InstanceRt, s: number, token: number): void {
    if ((this.msgs.flags[s] & MsgFlag.logRecord) === 0 || token <= inst.killToken) return;
    inst.logInFlight--;
    this.logOps.pumpMember(inst);
  }

  /**
   * The broker notices a dead connection (missed heartbeats): every unacked delivery on it comes
   * back (flagged redelivered on its next delivery). Ignored if the connection was renewed since.
   */
  detectDeadConnection(inst: InstanceRt, connTokenAtFailure: number): void {
    if (inst.connToken > connTokenAtFailure) return; // a newer connection: nothing to detect
    if (inst.up && inst.partitionUntilUs <= this.kernel.nowUs) return; // the partition healed in time
    inst.connected = false;
    if (inst.group >= 0) return this.logOps.rebalance(this.groups[inst.group]);
    if (inst.queue < 0) return;
    const q = this.queues[inst.queue];
    for (const s of this.takeUnacked(q, inst)) {
      // No broker holds a direct call: it fails with its instance.
      if (q.directTimeoutUs >= 0) this.endCopy(q, s, Ev.lost);
      else this.requeueOrDeadLetter(q, s, false);
    }
    this.dispatch(q);
  }

  restartInstance(inst: InstanceRt): void {
    if (inst.up) return;
    inst.up = true;
    this.obs.onEvent(Ev.recovered, this.kernel.nowUs, -1, inst.index, 0);
    this.reconnect(inst);
    this.scheduleRandomCrash(inst);
    this.logOps.startCommitTicks(inst);
  }

  /** A fresh connection: full credit; deliveries of the old one are void. */
  reconnect(inst: InstanceRt): void {
    inst.connected = true;
    inst.connToken = this.tokenSeq;
    inst.withheld = 0;
    if (inst.group >= 0) return this.logOps.rebalance(this.groups[inst.group]);
    inst.credit = inst.autoAck ? Infinity : inst.prefetch;
    this.offerCredit(inst);
    if (inst.queue >= 0) this.dispatch(this.queues[inst.queue]);
  }

  private startFault(f: CompiledFault): void {
    const now = this.kernel.nowUs;
    if (f.kind === 'crash') {
      if (f.broker) this.crashBroker(f.restartUs);
      for (const i of f.instances) this.crashInstance(this.instances[i], f.restartUs);
    } else if (f.kind === 'partition') {
      for (const i of f.instances) {
        const inst = this.instances[i];
        inst.partitionUntilUs = Math.max(inst.partitionUntilUs, now + f.forUs);
        const delayUs = this.detectionDelay(inst);
        if (delayUs < f.forUs) this.kernel.after(delayUs, Task.detect, i, 0, inst.connToken);
      }
      for (const p of f.producers) {
        const pr = this.producers[p];
        pr.partitionUntilUs = Math.max(pr.partitionUntilUs, now + f.forUs);
      }
      this.kernel.after(f.forUs, Task.faultEnd, f.index, 0, 0);
    } else if (f.kind === 'slow') {
      for (const i of f.instances) this.instances[i].slowFactor *= f.factor;
      this.kernel.after(f.forUs, Task.faultEnd, f.index, 0, 0);
    } else if (f.resetGroup !== null) this.logOps.resetOffsets(f.resetGroup, f.resetTo);
  }

  private endFault(f: CompiledFault): void {
    if (f.kind === 'slow') {
      for (const i of f.instances) this.instances[i].slowFactor /= f.factor;
      return;
    }
    const now = this.kernel.nowUs;
    for (const i of f.instances) {
      const inst = this.instances[i];
      if (inst.partitionUntilUs > now || !inst.up || inst.connected) continue;
      // The partition healed after the broker gave up on the connection: the client notices,
      // drops what it had prefetched, and reconnects; acks of in-progress work are void.
      this.dropBuffer(inst);
      this.reconnect(inst);
    }
  }

  private scheduleBrokerCrash(): void {
    const c = this.scenario.broker.crashes;
    if (c === null) return;
    this.kernel.after(
      toUs(-c.mtbf * lnOf(this.brokerRng)),
      Task.brokerCrash,
      0,
      ++this.brokerCrashEpoch,
      toUs(c.restart),
    );
  }

  /**
   * The broker goes down: every connection drops. A durable broker keeps what it had accepted
   * (unacked messages become ready again); a transient one loses every message it held.
   */
  crashBroker(restartUs: number): void {
    if (!this.brokerUp) return;
    const now = this.kernel.nowUs;
    this.brokerUp = false;
    this.obs.onEvent(Ev.crashed, now, -1, -1, 0);
    for (const inst of this.instances) {
      if (this.isDirect(inst)) continue; // a direct call's instance has no broker connection
      inst.connected = false;
      inst.connToken = this.tokenSeq;
      if (inst.up) this.dropBuffer(inst);
    }
    const durable = this.scenario.broker.durable;
    for (const q of this.queues) {
      if (q.directTimeoutUs >= 0) continue;
      for (const i of q.instances) {
        const inst = this.instances[i];
        for (const s of this.takeUnacked(q, inst)) {
          if (durable) this.makeReady(q, s);
          else this.endCopy(q, s, Ev.lost);
        }
      }
      if (!durable) {
        q.touch(now, this.warmupUs);
        while (q.ready.length > 0) this.endCopy(q, q.ready.popFront(), Ev.lost);
      }
    }
    if (!durable) this.loseDelayed();
    this.logOps.brokerCrashed(durable);
    if (restartUs >= 0) this.kernel.after(restartUs, Task.brokerRestart, 0, 0, 0);
  }

  /** Messages waiting out a retry delay are held by the broker too. */
  private loseDelayed(): void {
    const m = this.msgs;
    for (let s = 0; s < m.capacity; s++) {
      if (m.state[s] === MsgState.delayed) this.endCopy(this.queues[m.queue[s]], s, Ev.lost);
    }
  }

  private restartBroker(): void {
    if (this.brokerUp) return;
    this.brokerUp = true;
    this.obs.onEvent(Ev.recovered, this.kernel.nowUs, -1, -1, 0);
    for (const inst of this.instances) if (inst.up && !this.isDirect(inst)) this.reconnect(inst);
    for (const q of this.queues) {
      this.armTtl(q);
      this.rearmDeadline(q);
      this.dispatch(q);
    }
    this.scheduleBrokerCrash();
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  release(s: number): void {
    if (this.msgs.release(s)) this.checkDrained();
  }

  /** Drained: producers done, nothing in flight, every log group caught up. */
  checkDrained(): void {
    const lo = this.logOps;
    if (
      this.drainMode &&
      this.activeProducers === 0 &&
      this.pendingPublishes === 0 &&
      this.msgs.live === lo.held &&
      lo.lag === 0
    ) {
      this.kernel.halted = true;
    }
  }

  private overHeld(): never {
    throw new BudgetExceededError(
      'maxMessagesHeld',
      `${this.maxHeld} messages`,
      `${this.msgs.live} messages were held at simulated time ${this.kernel.nowUs / 1000} ms (is a queue growing without bound?)`,
    );
  }

  invariant(message: string): InvariantError {
    return new InvariantError(message, this.seed, this.kernel.nowUs, this.kernel.events);
  }
}

/** ln(u) of a uniform draw: −mean·ln(u) is an exponential gap with that mean. */
function lnOf(rng: Rng): number {
  return ln(rng.nextFloat());
}

/** Placeholder options for a log group's counters target (queue options do not apply). */
const GROUP_OPTIONS: QueueOptions = {
  ackTimeout: null,
  maxDeliveries: null,
  deadLetter: null,
  retryDelay: { kind: 'constant', value: 0 },
  requeue: 'front',
  ttl: null,
  maxLength: null,
  overflow: 'drop-head',
  fifoGroups: false,
  dedupWindow: null,
};

type Fate = typeof Ev.deadLettered | typeof Ev.expired | typeof Ev.dropped | typeof Ev.lost;
