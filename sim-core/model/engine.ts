// The engine: builds the run's state, implements the modules' context (clock, scheduler, event
// stream, invariants), and hands each scheduled task to the module for its concern. It keeps no
// behaviour of its own: zero-latency hops run their task inline through the same switch.

import { Kernel } from '../kernel/kernel';
import type { InvariantError } from '../kernel/errors';
import type { Fault, Scenario } from '../scenario/types';
import { compileFault } from './faults';
import { msToUs } from '../time';
import { EventFlag, MAX_EVENT_KIND, SimEvent, maskHas } from './events';
import type { EventKind, SimObserver } from './events';
import type { Ctx } from './context';
import { MsgFlag } from './messages';
import { State } from './state';
import { Task } from './tasks';
import type { TaskKind } from './tasks';
import { publishOne, scheduleNextArrival, produce } from './publishing';
import { confirmAtProducer, confirmTimeout, retryPublish } from './publishing';
import { arriveAtBroker } from './intake';
import { arriveAtConsumer, serviceDone } from './consumers';
import { ackAtBroker, ackDeadline } from './acks';
import { retryReady } from './dispatch';
import { ttlCheck } from './fates';
import {
  crashInstance,
  detectDeadConnection,
  restartInstance,
  scheduleRandomCrash,
} from './instance-failures';
import { crashBroker, restartBroker, scheduleBrokerCrash } from './broker-failures';
import { endFault, startFault } from './fault-injection';
import { commitAtBroker, commitTick, retention, startCommitTicks } from './log-delivery';
import { rebalance } from './log-groups';

export interface EngineOptions {
  /** Check the model's own bookkeeping as it goes (tests): slower, and a broken book throws. */
  checkInvariants?: boolean;
}

export class Engine implements Ctx {
  readonly kernel: Kernel;
  readonly state: State;
  readonly checking: boolean;
  /** Observers per event kind (index = code): the hot path calls no one for unwanted kinds. */
  private readonly subscribers: SimObserver[][];
  /** The one event record handed to observers (reused for every event). */
  private readonly ev = new SimEvent();

  constructor(
    scenario: Scenario,
    seed: number,
    observers: SimObserver[],
    options: EngineOptions = {},
  ) {
    const lim = scenario.limits;
    this.kernel = new Kernel({
      maxEvents: lim.maxEvents,
      maxSimTimeUs: msToUs(lim.maxSimTime),
      seed,
    });
    this.checking = options.checkInvariants ?? false;
    this.subscribers = [];
    for (let k = 0; k <= MAX_EVENT_KIND; k++)
      this.subscribers.push(observers.filter((o) => maskHas(o.kinds, k)));
    const st = new State(scenario, seed);
    this.state = st;
    // The order of what is scheduled here decides ties at equal times: keep it.
    for (const g of st.groups) this.joinGroup(g.index);
    for (const p of st.producers) scheduleNextArrival(st, this, p);
    for (const inst of st.instances) scheduleRandomCrash(this, inst);
    scheduleBrokerCrash(st, this);
    st.faults.forEach((f, i) => this.at(f.atUs, Task.fault, i, 0, 0));
    for (const g of st.groups) rebalance(st, this, g);
  }

  /** Wires a log group's members to the group's counters target and starts their commit ticks. */
  private joinGroup(group: number): void {
    const st = this.state;
    const g = st.groups[group];
    for (const i of g.members) {
      const inst = st.instances[i];
      inst.queue = g.target;
      inst.group = g.index;
      inst.credit = 0; // members are fed partition by partition, not by prefetch credit
      inst.inRing = false;
      st.queues[g.target].instances.push(i);
      if (inst.idempotent) st.queues[g.target].processedIds ??= new Set();
      startCommitTicks(st, this, inst);
    }
  }

  // --- Ctx ---

  get nowUs(): number {
    return this.kernel.nowUs;
  }

  at(timeUs: number, task: TaskKind, a: number, b: number, c: number): void {
    if (this.checking && Math.floor(timeUs) !== timeUs)
      throw this.invariant(`task ${task} scheduled at ${timeUs} µs, not a whole µs`);
    this.kernel.at(timeUs, task, a, b, c);
  }

  after(delayUs: number, task: TaskKind, a: number, b: number, c: number): void {
    this.at(this.kernel.nowUs + delayUs, task, a, b, c);
  }

  run(task: TaskKind, a: number, b: number, c: number): void {
    this.handle(task, a, b, c);
  }

  emit(kind: EventKind, s: number, where: number, aux: number): void {
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    this.fillMessage(kind, s, where, aux, 0);
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(this.ev);
  }

  emitOutcome(kind: EventKind, s: number, where: number, aux: number): void {
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    this.fillMessage(kind, s, where, aux, EventFlag.outcome);
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(this.ev);
  }

  emitProcessing(
    kind: EventKind,
    s: number,
    instance: number,
    consumer: number,
    queue: number,
    startUs: number,
    outcome: boolean,
  ): void {
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    const ev = this.ev;
    const m = this.state.msgs;
    this.fillMessage(kind, s, instance, startUs, outcome ? EventFlag.outcome : 0);
    ev.consumer = consumer;
    ev.queue = queue;
    ev.publishUs = m.publishUs[s];
    ev.originUs = m.originUs[s];
    ev.startUs = startUs;
    ev.size = m.size[s];
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(ev);
  }

  emitPlain(kind: EventKind, where: number, aux: number, consumer: number): void {
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    const ev = this.ev;
    ev.kind = kind;
    ev.timeUs = this.kernel.nowUs;
    ev.sender = -1;
    ev.seq = 0;
    ev.key = -1;
    ev.where = where;
    ev.aux = aux;
    ev.flags = 0;
    ev.instance = -1;
    ev.partition = -1;
    ev.consumer = consumer;
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(ev);
  }

  private fillMessage(kind: EventKind, s: number, where: number, aux: number, flags: number): void {
    const ev = this.ev;
    const m = this.state.msgs;
    const mf = m.flags[s];
    ev.kind = kind;
    ev.timeUs = this.kernel.nowUs;
    ev.sender = m.producer[s];
    ev.seq = m.seq[s];
    ev.key = m.key[s];
    ev.where = where;
    ev.aux = aux;
    ev.flags = flags | (mf & MsgFlag.secondary ? EventFlag.secondary : 0);
    const record = (mf & MsgFlag.logRecord) !== 0;
    ev.instance = record ? -1 : m.inst[s];
    ev.partition = record ? m.queue[s] : -1;
    ev.consumer = -1;
  }

  halt(): void {
    this.kernel.halted = true;
  }

  invariant(message: string): InvariantError {
    return this.kernel.invariant(message);
  }

  // --- ports: what a caller may do to a running engine besides advancing it ---

  /** Publishes one message from producer `index` now, through the real publish path. */
  publishNow(index: number): void {
    publishOne(this.state, this, this.state.producers[index]);
  }

  /**
   * Adds a fault to the run (its `at` must not be in the past). A fault due now starts at once,
   * before anything else at this instant; a later one is scheduled like the scenario's own.
   */
  injectFault(fault: Fault): void {
    const st = this.state;
    const f = compileFault(fault, st.faults.length, st.topo);
    if (f.atUs < this.nowUs) throw this.invariant(`a fault at ${fault.at} ms is in the past`);
    st.faults.push(f);
    if (f.atUs === this.nowUs) startFault(st, this, f);
    else this.at(f.atUs, Task.fault, f.index, 0, 0);
  }

  // --- the task switch ---

  handle(kind: number, a: number, b: number, c: number): void {
    const st = this.state;
    switch (kind) {
      case Task.produce:
        return produce(st, this, st.producers[a]);
      case Task.atBroker:
        return arriveAtBroker(st, this, a, b);
      case Task.atConsumer:
        return arriveAtConsumer(st, this, a, st.instances[b], c);
      case Task.serviceDone:
        return serviceDone(st, this, a, st.instances[b], c);
      case Task.ackAtBroker:
      case Task.nackAtBroker:
        // An ack still on the wire when its connection died (crash, broker restart) is void.
        if (c <= st.instances[b].connToken) return;
        return ackAtBroker(st, this, a, st.instances[b], c, kind === Task.nackAtBroker);
      case Task.ackDeadline:
        return ackDeadline(st, this, st.queues[a]);
      case Task.retryReady:
        return retryReady(st, this, a, c);
      case Task.ttlCheck:
        return ttlCheck(st, this, st.queues[a]);
      case Task.crash:
        // A random crash belongs to one chain; a restart starts a new chain, voiding the old one.
        if (b !== st.instances[a].crashEpoch) return;
        return crashInstance(st, this, st.instances[a], c);
      case Task.restart:
        return restartInstance(st, this, st.instances[a]);
      case Task.detect:
        return detectDeadConnection(st, this, st.instances[a], c);
      case Task.fault:
        return startFault(st, this, st.faults[a]);
      case Task.faultEnd:
        return endFault(st, this, st.faults[a]);
      case Task.brokerCrash:
        if (b !== st.brokerCrashEpoch) return;
        return crashBroker(st, this, c);
      case Task.brokerRestart:
        return restartBroker(st, this);
      case Task.confirmAtProducer:
        return confirmAtProducer(st, this, st.producers[a], b === 1, c);
      case Task.confirmTimeout:
        return confirmTimeout(st, this, st.producers[a], b, c);
      case Task.retryPublish:
        return retryPublish(st, this, st.producers[a], c);
      case Task.logRetention:
        return retention(st, this, st.logs[a]);
      case Task.commitAtBroker:
        return commitAtBroker(st, this, a, b, c);
      case Task.commitTick:
        return commitTick(st, this, st.instances[a]);
      default:
        throw this.invariant(`unknown task ${kind}`);
    }
  }
}
