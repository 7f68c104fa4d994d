// The run's plain state: every entity, the message store, the broker's flags and the run-wide
// counters. buildState is the compile step from a validated scenario: dense indices for every
// name, integer µs for every duration, µs samplers. Behaviour lives in the modules that take
// (state, ctx); nothing here schedules or announces anything.

import type { Scenario } from '../scenario/types';
import { compileDurationUs, streamFor } from '../random';
import type { DurationSampler, Rng } from '../random';
import { msToUs } from '../time';
import { hopLatency } from '../scenario/hops';
import { fmix32, murmurString } from '../hash';
import { MessageStore } from './messages';
import { buildTopology } from './topology';
import type { Topology } from './topology';
import { ConsumerRt, InstanceRt, ProducerRt, QueueRt } from './entities';
import { buildLogs } from './log-state';
import type { GroupRt, LogRt } from './log-state';
import { compileFaults } from './faults';
import type { CompiledFault } from './faults';
import { Gauges } from './gauges';
import { Router, routesByLabel } from './routing';
import { Cluster } from './cluster';

export class State {
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
  /** Content-based routing (exchanges, filtered topics), or null if no channel routes by label. */
  readonly router: Router | null;
  /** Per channel: a publish to it is routed by its label (exchange, filtered topic). */
  readonly routedChannel: boolean[];
  /** Per channel of kind exchange: whether it is one (its publishes are counted routed). */
  readonly exchangeChannel: boolean[];
  readonly faults: CompiledFault[];
  readonly gauges: Gauges;
  readonly warmupUs: number;
  readonly drainMode: boolean;
  readonly maxHeld: number;
  /**
   * Network: hop latency (µs) per kind of hop — the same sampler for all when the scenario gives
   * one distribution; a sampler whose latency is the constant 0 lets its hops run inline.
   */
  readonly hopPublish: DurationSampler;
  readonly hopDeliver: DurationSampler;
  readonly hopAck: DurationSampler;
  /** Some producer makes requests: processings may owe a reply. */
  readonly requests: boolean;
  readonly ackLoss: number;
  /** Flow control: messages a node may hold before its publishers are blocked (Infinity: none). */
  readonly memoryLimit: number;
  /** Network: the chance a publish (or a batch) is lost on its way to the broker. */
  readonly publishLoss: number;
  readonly confirmLoss: number;
  /** Broker: durability and its random crash chain (gaps in µs; restart delay µs, -1 never). */
  readonly durable: boolean;
  readonly brokerCrashGap: DurationSampler | null;
  readonly brokerRestartUs: number;
  readonly brokerRng: Rng;
  brokerUp = true;
  /** The broker's nodes: leaders, capacity, fsyncs. */
  readonly cluster: Cluster;
  /** Current chain of random broker crashes (a restart starts a new one). */
  brokerCrashEpoch = 0;
  activeProducers: number;
  /** Publishes awaiting a confirm or a retry: a drained run waits for them. */
  pendingPublishes = 0;
  /** Requests neither replied to nor timed out yet (a drained run waits for them). */
  pendingRequests = 0;
  /** Delivery tokens handed out so far (each delivery's token is unique). */
  tokenSeq = 0;
  /** Per sender: a hash of its id, so a message's content draws depend on its id, not a position. */
  readonly senderKeys: Int32Array;
  /** Per sender: its messages' expiration in µs from publish (Infinity: none). */
  readonly senderTtlUs: Float64Array;
  /** Records held by logs (they do not keep a drained run going), and the groups' total lag. */
  logHeld = 0;
  logLag = 0;

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
  ) {
    const s = scenario;
    this.topo = buildTopology(s);
    const topo = this.topo;
    this.warmupUs = msToUs(s.warmup);
    this.drainMode = s.until === 'drained';
    this.maxHeld = s.limits.maxMessagesHeld;
    this.producers = s.producers.map(
      (p, i) => new ProducerRt(i, p, topo.channelIndex.get(p.to) ?? -1, seed),
    );
    const keyCount = Math.max(
      0,
      ...s.producers.map((p) => (p.keys.kind === 'none' ? 0 : p.keys.count)),
    );
    this.queues = topo.queues.map(
      (q, i) => new QueueRt(i, q.name, q.options, seed, this.msgs, keyCount, q.directTimeout),
    );
    this.instances = topo.instances.map(
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
    this.consumers = s.consumers.map(
      (c, i) => new ConsumerRt(i, c, topo.channelIndex, topo.senderNames),
    );
    for (const inst of this.instances) {
      this.consumers[inst.consumer].instances.push(inst.index);
      if (inst.queue < 0) continue;
      const q = this.queues[inst.queue];
      q.instances.push(inst.index);
      q.credit.pushBack(inst.index);
      if (inst.idempotent) q.processedIds ??= new Set();
    }
    for (const q of this.queues) {
      const dl = topo.queues[q.index].options.deadLetter;
      q.deadLetterChannel = dl === null ? -1 : (topo.channelIndex.get(dl) ?? -1);
      q.deadLetterKey = topo.queues[q.index].options.deadLetterKey;
    }
    const lt = buildLogs(s, topo.channelIndex, topo.queueIndex, this.instances);
    this.logs = lt.logs;
    this.groups = lt.groups;
    this.logByChannel = lt.logByChannel;
    this.directChannel = s.channels.map((c) => c.kind === 'direct');
    this.routedChannel = s.channels.map(routesByLabel);
    this.exchangeChannel = s.channels.map((c) => c.kind === 'exchange');
    this.router = this.routedChannel.some(Boolean)
      ? new Router(
          s,
          topo.channelIndex,
          topo.channelTargets,
          s.channels.map((_, ci) => this.logByChannel[ci]?.index ?? -1),
        )
      : null;
    if (this.router !== null) {
      const router = this.router;
      s.producers.forEach((def, i) => this.producers[i].routeBy(router, def, seed));
      s.consumers.forEach((def, i) => (this.consumers[i].label = router.intern(def.id, null)));
    }
    this.faults = compileFaults(s, topo);
    this.gauges = new Gauges(this.queues.length, this.instances.length, this.warmupUs);
    const net = s.network;
    const one = 'kind' in net.latency ? compileDurationUs(net.latency) : null;
    this.hopPublish = one ?? compileDurationUs(hopLatency(net, 'publish'));
    this.hopDeliver = one ?? compileDurationUs(hopLatency(net, 'deliver'));
    this.hopAck = one ?? compileDurationUs(hopLatency(net, 'ack'));
    this.requests = scenario.producers.some((p) => p.request !== null);
    this.ackLoss = s.network.ackLoss;
    this.memoryLimit = s.broker.memoryLimit ?? Infinity;
    this.publishLoss = s.network.publishLoss;
    this.confirmLoss = s.network.confirmLoss;
    this.durable = s.broker.durable;
    this.cluster = new Cluster(s, topo, this.warmupUs, seed);
    for (const log of this.logs)
      for (let p = 0; p < log.partitions; p++)
        log.place(p, this.cluster.partitionHome(log.channel, p), s.broker.nodes);
    const crashes = s.broker.crashes;
    this.brokerCrashGap =
      crashes === null ? null : compileDurationUs({ kind: 'exponential', mean: crashes.mtbf });
    this.brokerRestartUs = crashes === null ? -1 : msToUs(crashes.restart);
    this.brokerRng = streamFor(seed, 'broker', 'crashes');
    this.activeProducers = this.producers.length;
    this.senderKeys = Int32Array.from(topo.senderNames, (name) => fmix32(murmurString(0, name)));
    if (s.producers.some((p) => p.delay !== null)) this.msgs.enableDelays();
    this.senderTtlUs = new Float64Array(topo.senderNames.length).fill(Infinity);
    s.producers.forEach((p, i) => {
      if (p.ttl !== null) this.senderTtlUs[i] = Math.max(1, msToUs(p.ttl));
    });
    if (s.producers.some((p) => p.ttl !== null)) for (const q of this.queues) q.expiring = true;
  }
}
