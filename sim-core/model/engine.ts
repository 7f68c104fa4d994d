// The broker model: handlers for producer arrivals, broker queues, deliveries, processing and
// acks, driven by the kernel. Zero-latency hops are handled inline (same time, no heap entry);
// every state change is announced to the observer as a past-tense event.

import { Kernel } from '../kernel/kernel';
import { BudgetExceededError, InvariantError } from '../kernel/errors';
import type { Scenario } from '../scenario/types';
import { compileDist } from '../random';
import type { Sampler } from '../random';
import { Ev } from './events';
import type { SimObserver } from './events';
import { MessageStore, MsgState } from './messages';
import { buildTopology } from './topology';
import type { Topology } from './topology';
import { buildRuntime, toUs } from './runtime';
import type { InstanceRt, ProducerRt, QueueRt } from './runtime';
import type { Rng } from '../random';

/** Scheduled tasks (heap event kinds). */
const Task = {
  produce: 1,
  atBroker: 2,
  atConsumer: 3,
  serviceDone: 4,
  ackAtBroker: 5,
  ackDeadline: 6,
  retryReady: 7,
} as const;

export class Engine {
  readonly kernel: Kernel;
  readonly msgs = new MessageStore();
  readonly topo: Topology;
  readonly producers: ProducerRt[];
  readonly queues: QueueRt[];
  readonly instances: InstanceRt[];
  readonly warmupUs: number;
  activeProducers: number;
  private tokenSeq = 0;
  private readonly latency: Sampler;
  private readonly zeroLatency: boolean;
  private readonly maxHeld: number;
  private readonly drainMode: boolean;

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    private readonly obs: SimObserver,
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
    const lat = scenario.network.latency;
    this.latency = compileDist(lat);
    this.zeroLatency = lat.kind === 'constant' && lat.value === 0;
    this.activeProducers = this.producers.length;
    for (const p of this.producers) this.scheduleNextArrival(p);
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
        return this.ackAtBroker(a, c);
      case Task.ackDeadline:
        return this.ackDeadline(this.queues[a]);
      case Task.retryReady:
        return this.retryReady(a, c);
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
    const m = this.msgs;
    const now = this.kernel.nowUs;
    p.remaining--;
    if (m.live >= this.maxHeld) this.overHeld();
    const s = m.alloc();
    m.producer[s] = p.index;
    m.seq[s] = ++p.seq;
    m.key[s] = p.keys.next(p.rngKeys);
    m.size[s] = p.size.sample(p.rngSize);
    m.publishUs[s] = now;
    m.originUs[s] = now;
    this.obs.onEvent(Ev.published, now, s, p.index, 0);
    if (this.zeroLatency) this.arriveAtBroker(s, p.channel);
    else {
      p.linkUs = this.hopArrival(p.linkUs, p.rngNet);
      this.kernel.at(p.linkUs, Task.atBroker, s, p.channel, 0);
    }
    this.scheduleNextArrival(p);
  }

  /** Arrival time of a message sent now on a FIFO link whose last arrival was lastUs. */
  private hopArrival(lastUs: number, rng: Rng): number {
    const t = this.kernel.nowUs + toUs(this.latency.sample(rng));
    return t > lastUs ? t : lastUs;
  }

  // ---- broker: queues --------------------------------------------------------------------

  private arriveAtBroker(s: number, channel: number): void {
    const targets = this.topo.channelTargets[channel];
    const m = this.msgs;
    for (let i = 1; i < targets.length; i++) {
      const copy = m.alloc();
      m.copyIdentity(s, copy);
      this.enqueue(this.queues[targets[i]], copy);
    }
    this.enqueue(this.queues[targets[0]], s);
  }

  private enqueue(q: QueueRt, s: number): void {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    m.queue[s] = q.index;
    m.state[s] = MsgState.ready;
    m.enqueueUs[s] = now;
    m.enqueueOrder[s] = q.enqueueOrder++;
    q.touch(now, this.warmupUs);
    q.ready.pushBack(s);
    q.settle();
    this.obs.onEvent(Ev.enqueued, now, s, q.index, 0);
    this.dispatch(q);
  }

  /** Hands ready messages to instances with credit, round-robin. */
  private dispatch(q: QueueRt): void {
    while (q.ready.length > 0 && q.credit.length > 0) {
      const inst = this.instances[q.credit.popFront()];
      this.deliver(q, q.ready.popFront(), inst);
    }
  }

  private deliver(q: QueueRt, s: number, inst: InstanceRt): void {
    const m = this.msgs;
    const now = this.kernel.nowUs;
    const token = ++this.tokenSeq;
    const n = ++m.deliveries[s];
    m.token[s] = token;
    m.inst[s] = inst.index;
    if (inst.autoAck) {
      // noAck: the broker forgets the message as it sends it; its reference moves to the delivery.
      q.touch(now, this.warmupUs);
      m.state[s] = MsgState.gone;
      q.credit.pushBack(inst.index);
      this.obs.onEvent(Ev.delivered, now, s, inst.index, n);
      this.obs.onEvent(Ev.acked, now, s, q.index, 0);
    } else {
      q.touch(now, this.warmupUs);
      q.unacked++;
      m.state[s] = MsgState.unacked;
      m.refs[s]++;
      this.linkUnacked(inst, s);
      if (--inst.credit > 0) q.credit.pushBack(inst.index);
      if (q.ackTimeoutUs > 0) this.armDeadline(q, s, token, now + q.ackTimeoutUs);
      this.obs.onEvent(Ev.delivered, now, s, inst.index, n);
    }
    if (this.zeroLatency) this.arriveAtConsumer(s, inst, token);
    else {
      inst.linkToConsumerUs = this.hopArrival(inst.linkToConsumerUs, inst.rngBrokerNet);
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

  /** Removes an unacked delivery from the broker's books and gives the instance its credit back. */
  private settleDelivery(q: QueueRt, s: number): InstanceRt {
    const inst = this.instances[this.msgs.inst[s]];
    q.touch(this.kernel.nowUs, this.warmupUs);
    q.unacked--;
    this.unlinkUnacked(inst, s);
    if (!inst.autoAck && inst.up && inst.credit++ === 0) q.credit.pushBack(inst.index);
    return inst;
  }

  private ackAtBroker(s: number, token: number): void {
    const m = this.msgs;
    if (m.state[s] !== MsgState.unacked || m.token[s] !== token) return; // stale: timed out earlier
    const q = this.queues[m.queue[s]];
    this.settleDelivery(q, s);
    m.state[s] = MsgState.gone;
    this.obs.onEvent(Ev.acked, this.kernel.nowUs, s, q.index, 0);
    this.release(s);
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
    while (f.length > 0) {
      const s = f.headSlot();
      const live = m.state[s] === MsgState.unacked && m.token[s] === f.headToken();
      if (live && f.headDeadline() > now) break;
      f.shift();
      if (live) this.timeOut(q, s);
    }
    q.timerArmed = f.length > 0;
    if (q.timerArmed) this.kernel.at(f.headDeadline(), Task.ackDeadline, q.index, 0, 0);
  }

  private timeOut(q: QueueRt, s: number): void {
    this.settleDelivery(q, s);
    this.obs.onEvent(Ev.timedOut, this.kernel.nowUs, s, q.index, 0);
    this.requeue(q, s);
    this.dispatch(q);
  }

  /** Returns a settled delivery to the ready queue, after the retry delay if there is one. */
  private requeue(q: QueueRt, s: number): void {
    const delayUs = toUs(q.retryDelay.sample(q.rngRetry));
    if (delayUs > 0) {
      this.msgs.state[s] = MsgState.delayed;
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

  private makeReady(q: QueueRt, s: number): void {
    const m = this.msgs;
    q.touch(this.kernel.nowUs, this.warmupUs);
    m.state[s] = MsgState.ready;
    if (q.options.requeue === 'back') q.ready.pushBack(s);
    else {
      const order = m.enqueueOrder[s];
      q.ready.insertOrdered(s, (other) => m.enqueueOrder[other] > order);
    }
    q.settle();
    this.obs.onEvent(Ev.requeued, this.kernel.nowUs, s, q.index, 0);
  }

  // ---- consumers -------------------------------------------------------------------------

  private arriveAtConsumer(s: number, inst: InstanceRt, token: number): void {
    if (token <= inst.crashToken) {
      this.release(s); // sent to a connection that died on the way
      return;
    }
    this.obs.onEvent(Ev.received, this.kernel.nowUs, s, inst.index, 0);
    inst.buffer.pushBack(s);
    inst.bufferTokens.pushBack(token);
    this.pump(inst);
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
    if (token <= inst.crashToken) return; // the instance crashed while processing
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
    m.processed[m.copyOf[s]]++;
    this.obs.onEvent(Ev.processed, now, s, inst.index, startUs);
    // The next buffered delivery starts before the ack goes out: with a zero-latency network the
    // ack is handled inline and may bring a new delivery, which must queue behind the buffer.
    this.pump(inst);
    if (!inst.autoAck) this.sendAck(s, inst, token);
    this.release(s);
  }

  private sendAck(s: number, inst: InstanceRt, token: number): void {
    if (this.zeroLatency) this.ackAtBroker(s, token);
    else {
      inst.linkToBrokerUs = this.hopArrival(inst.linkToBrokerUs, inst.rngNet);
      this.kernel.at(inst.linkToBrokerUs, Task.ackAtBroker, s, inst.index, token);
    }
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  private release(s: number): void {
    if (this.msgs.release(s)) this.checkDrained();
  }

  private checkDrained(): void {
    if (this.drainMode && this.activeProducers === 0 && this.msgs.live === 0) {
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
