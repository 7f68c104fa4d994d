// The engine: builds the run's state, implements the modules' context (clock, scheduler, event
// stream, invariants), and hands each scheduled task to the module for its concern. It keeps no
// behaviour of its own: zero-latency hops run their task inline through the same switch.

import { Kernel } from '../kernel/kernel';
import type { InvariantError } from '../kernel/errors';
import type { Fault, Scenario } from '../scenario/types';
import { compileFault } from './faults';
import { msToUs } from '../time';
import { TraceHash, eventWord } from '../hash';
import { Ev, MAX_EVENT_KIND, SimEvent, maskHas } from './events';
import type { EventKind, SimObserver } from './events';
import type { Ctx } from './context';
import { State } from './state';
import { Task } from './tasks';
import type { TaskKind } from './tasks';
import { publishOne, scheduleNextArrival, produce } from './publishing';
import {
  confirmAtProducer,
  batchTimeout,
  confirmTimeout,
  lingerEnd,
  memoryCheck,
  retryBatch,
  retryPublish,
} from './publishing';
import { arriveAtBroker, reachBroker } from './intake';
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
import { replyAtBroker, replyAtProducer, replyTimeout } from './requests';
import { logCommit } from './log-commits';
import { election, restartNode } from './node-failures';

/** Inline hops deeper than this are scheduled instead (see run). */
const MAX_INLINE_DEPTH = 200;

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
  private readonly ev: SimEvent;
  /** Zero-latency hops running inline, one inside another. */
  private inlineDepth = 0;
  /** Every event folded in as it is announced: the report's traceHash. */
  private readonly trace = new TraceHash();

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
      maxEventsAtInstant: lim.maxEventsAtInstant,
      seed,
    });
    this.checking = options.checkInvariants ?? false;
    this.subscribers = [];
    for (let k = 0; k <= MAX_EVENT_KIND; k++)
      this.subscribers.push(observers.filter((o) => maskHas(o.kinds, k)));
    const st = new State(scenario, seed);
    this.state = st;
    this.ev = new SimEvent(st.msgs);
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
    // A loop of zero-latency hops (a message rejected and redelivered at once, for ever) would
    // recurse without end: past this depth the hop is scheduled for now instead, so the loop
    // meets the maxEventsAtInstant budget and its clear error, not a stack overflow.
    // (An error thrown inside ends the run, so the depth needs no unwinding.)
    if (this.inlineDepth >= MAX_INLINE_DEPTH)
      return this.kernel.at(this.kernel.nowUs, task, a, b, c);
    this.inlineDepth++;
    this.handle(task, a, b, c);
    this.inlineDepth--;
  }

  /** The trace hash of the events so far. */
  traceHex(): string {
    return this.trace.hex();
  }

  emit(kind: EventKind, s: number, where: number, aux: number): void {
    this.announce(kind, s, where, aux, false);
  }

  emitOutcome(kind: EventKind, s: number, where: number, aux: number): void {
    this.announce(kind, s, where, aux, true);
  }

  /** Folds an event about slot s into the trace hash and hands it to whoever wants its kind. */
  private announce(kind: EventKind, s: number, where: number, aux: number, outcome: boolean): void {
    this.foldMessage(kind, s, where, aux);
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    this.ev.set(kind, this.kernel.nowUs, s, where, aux, outcome);
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(this.ev);
  }

  private foldMessage(kind: EventKind, s: number, where: number, aux: number): void {
    const m = this.state.msgs;
    const t = this.kernel.nowUs;
    this.trace.mixInt(eventWord(kind, where, m.producer[s], m.seq[s], t, aux));
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
    this.foldMessage(kind, s, instance, startUs);
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    const ev = this.ev;
    const m = this.state.msgs;
    ev.set(kind, this.kernel.nowUs, s, instance, startUs, outcome);
    ev.consumer = consumer;
    ev.queue = queue;
    ev.startUs = startUs;
    ev.publishUs = m.publishUs[s];
    ev.originUs = m.originUs[s];
    ev.size = m.size[s];
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(ev);
  }

  emitPlain(kind: EventKind, where: number, aux: number, consumer: number, publishUs = 0): void {
    this.trace.mixInt(eventWord(kind, where, -1, 0, this.kernel.nowUs, aux));
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    const ev = this.ev;
    ev.set(kind, this.kernel.nowUs, -1, where, aux, false);
    ev.setRequest(-1, 0);
    ev.consumer = consumer;
    ev.publishUs = publishUs;
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(ev);
  }

  emitConfirmed(producer: number, seq: number, publishUs: number): void {
    this.emitPlain(Ev.confirmed, producer, seq, -1, publishUs);
  }

  emitReply(kind: EventKind, producer: number, seq: number, sentUs: number): void {
    const t = this.kernel.nowUs;
    this.trace.mixInt(eventWord(kind, producer, producer, seq, t, 0));
    const subs = this.subscribers[kind];
    if (subs.length === 0) return;
    const ev = this.ev;
    ev.set(kind, t, -1, producer, 0, false);
    ev.setRequest(producer, seq);
    ev.publishUs = sentUs;
    for (let i = 0; i < subs.length; i++) subs[i].onEvent(ev);
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
        return reachBroker(st, this, a, b);
      case Task.logCommit:
        return logCommit(st, this, a, b, c);
      case Task.election:
        return election(st, this, a, b, c);
      case Task.nodeRestart:
        return restartNode(st, this, a, b === 1);
      case Task.memoryCheck:
        return memoryCheck(st, this, a);
      case Task.lingerEnd:
        return lingerEnd(st, this, st.producers[a], c);
      case Task.batchTimeout:
        return batchTimeout(st, this, st.producers[a], b, c);
      case Task.retryBatch:
        return retryBatch(st, this, st.producers[a], c);
      case Task.served:
        return arriveAtBroker(st, this, a, b, c);
      case Task.atConsumer:
        return arriveAtConsumer(st, this, a, st.instances[b], c);
      case Task.serviceDone:
        return serviceDone(st, this, a, st.instances[b], c);
      case Task.ackAtBroker:
      case Task.nackAtBroker:
      case Task.rejectAtBroker:
        // An ack still on the wire when its connection died (crash, broker restart) is void.
        if (c <= st.instances[b].connToken) return;
        return ackAtBroker(st, this, a, st.instances[b], c, kind);
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
      case Task.replyAtBroker:
        return replyAtBroker(st, this, st.producers[a], b, c === 1);
      case Task.replyAtProducer:
        return replyAtProducer(st, this, st.producers[a], b);
      case Task.replyTimeout:
        return replyTimeout(st, this, st.producers[a], b);
      default:
        throw this.invariant(`unknown task ${kind}`);
    }
  }
}
