// The broker model's hub: the Engine owns the run's state, builds it from the scenario, and hands
// each scheduled task to the module for its concern. Zero-latency hops are handled inline (same
// time, no heap entry); every state change is announced to the observer as a past-tense event.

import { Kernel } from '../kernel/kernel';
import { BudgetExceededError, InvariantError } from '../kernel/errors';
import type { Scenario } from '../scenario/types';
import { streamFor } from '../random';
import type { Rng } from '../random';
import type { SimObserver } from './events';
import { MessageStore } from './messages';
import { buildTopology, PLAIN_QUEUE_OPTIONS } from './topology';
import type { Topology } from './topology';
import { buildRuntime, QueueRt, toUs } from './runtime';
import type { ConsumerRt, InstanceRt, ProducerRt } from './runtime';
import { compileFaults } from './faults';
import type { CompiledFault } from './faults';
import { buildLogs } from './log';
import type { GroupRt, LogRt } from './log';
import { LogOps, LogTask } from './log-ops';
import { Task } from './tasks';
import { Network } from './network';
import { Publishing } from './publishing';
import { Routing } from './routing';
import { Dispatcher } from './queue-dispatch';
import { Acks } from './queue-acks';
import { Fates } from './queue-fates';
import { ConsumerOps } from './consumer-ops';
import { InstanceFailures } from './instance-failures';
import { BrokerFailures } from './broker-failures';
import { FaultInjection } from './fault-injection';

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
  readonly logByChannel: Array<LogRt | undefined>;
  /** Channels of kind direct: calls that never touch the broker. */
  readonly directChannel: boolean[];
  readonly faults: CompiledFault[];
  readonly warmupUs: number;
  activeProducers: number;
  /** Publishes awaiting a confirm or a retry: a drained run waits for them. */
  pendingPublishes = 0;
  brokerUp = true;
  /** Current chain of random broker crashes (a restart starts a new one). */
  brokerCrashEpoch = 0;
  readonly brokerRng: Rng;
  tokenSeq = 0;
  private readonly maxHeld: number;
  private readonly drainMode: boolean;

  // Behaviour, one module per concern; they keep no state of their own (LogOps' counters aside).
  readonly net: Network;
  readonly publishing: Publishing;
  readonly routing: Routing;
  readonly dispatcher: Dispatcher;
  readonly acks: Acks;
  readonly fates: Fates;
  readonly consumerOps: ConsumerOps;
  readonly logOps: LogOps;
  readonly instanceFailures: InstanceFailures;
  readonly brokerFailures: BrokerFailures;
  readonly faultInjection: FaultInjection;

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
      this.queues.push(new QueueRt(index, name, PLAIN_QUEUE_OPTIONS, seed));
      return index;
    });
    this.logs = lt.logs;
    this.groups = lt.groups;
    this.logByChannel = lt.logByChannel;
    this.directChannel = scenario.channels.map((c) => c.kind === 'direct');
    this.brokerRng = streamFor(seed, 'broker', 'crashes');
    this.faults = compileFaults(scenario, this.topo);
    this.activeProducers = this.producers.length;
    this.net = new Network(this);
    this.publishing = new Publishing(this);
    this.routing = new Routing(this);
    this.dispatcher = new Dispatcher(this);
    this.acks = new Acks(this);
    this.fates = new Fates(this);
    this.consumerOps = new ConsumerOps(this);
    this.logOps = new LogOps(this);
    this.instanceFailures = new InstanceFailures(this);
    this.brokerFailures = new BrokerFailures(this);
    this.faultInjection = new FaultInjection(this);
    // The order of what is scheduled here decides ties at equal times: keep it.
    for (const g of this.groups) this.joinGroup(g);
    for (const p of this.producers) this.publishing.scheduleNextArrival(p);
    for (const inst of this.instances) this.instanceFailures.scheduleRandomCrash(inst);
    this.brokerFailures.scheduleBrokerCrash();
    this.faults.forEach((f, i) => this.kernel.at(f.atUs, Task.fault, i, 0, 0));
    for (const g of this.groups) this.logOps.rebalance(g);
  }

  /** Wires a log group's members to the group's counters target and starts their commit ticks. */
  private joinGroup(g: GroupRt): void {
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

  handle(kind: number, a: number, b: number, c: number): void {
    switch (kind) {
      case Task.produce:
        return this.publishing.produce(this.producers[a]);
      case Task.atBroker:
        return this.routing.arriveAtBroker(a, b);
      case Task.atConsumer:
        return this.consumerOps.arriveAtConsumer(a, this.instances[b], c);
      case Task.serviceDone:
        return this.consumerOps.serviceDone(a, this.instances[b], c);
      case Task.ackAtBroker:
      case Task.nackAtBroker:
        // An ack still on the wire when its connection died (crash, broker restart) is void.
        if (c <= this.instances[b].connToken) return;
        return this.acks.ackAtBroker(a, this.instances[b], c, kind === Task.nackAtBroker);
      case Task.ackDeadline:
        return this.acks.ackDeadline(this.queues[a]);
      case Task.retryReady:
        return this.fates.retryReady(a, c);
      case Task.ttlCheck:
        return this.fates.ttlCheck(this.queues[a]);
      case Task.crash:
        // A random crash belongs to one chain; a restart starts a new chain, voiding the old one.
        if (b !== this.instances[a].crashEpoch) return;
        return this.instanceFailures.crashInstance(this.instances[a], c);
      case Task.restart:
        return this.instanceFailures.restartInstance(this.instances[a]);
      case Task.detect:
        return this.instanceFailures.detectDeadConnection(this.instances[a], c);
      case Task.fault:
        return this.faultInjection.startFault(this.faults[a]);
      case Task.faultEnd:
        return this.faultInjection.endFault(this.faults[a]);
      case Task.brokerCrash:
        if (b !== this.brokerCrashEpoch) return;
        return this.brokerFailures.crashBroker(c);
      case Task.brokerRestart:
        return this.brokerFailures.restartBroker();
      case Task.confirmAtProducer:
        return this.publishing.confirmAtProducer(this.producers[a], b === 1, c);
      case Task.confirmTimeout:
        return this.publishing.confirmTimeout(this.producers[a], b, c);
      case Task.retryPublish:
        return this.publishing.retryPublish(this.producers[a], c);
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

  /** A fresh message slot with its identity and timing. */
  newMessage(
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
