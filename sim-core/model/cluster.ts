// The broker's nodes: where each queue's and partition's leader and replicas live, which nodes
// are up, and, with finite capacity, each node as one FIFO server of its work with group-
// committed fsyncs. Leaders are placed round-robin in declaration order: the i-th queue, topic
// or log (exchanges have no leader, direct channels no broker), partition p → node
// (i + p) mod nodes; replicas on the nodes after it. With one node and no capacity nothing here
// changes a run. Behaviour (crashes, elections, replication) is in node-failures.ts and
// replication.ts.

import type { Scenario } from '../scenario/types';
import { compileDurationUs, streamFor } from '../random';
import type { DurationSampler, Rng } from '../random';
import { msToUs } from '../time';
import { hopLatency } from '../scenario/hops';
import type { Topology } from './topology';

export class NodeRt {
  /** When the node's server is next free, µs (fractional: per-byte work is a fraction of a µs). */
  freeAtUs = 0;
  /** Server busy time after warmup, µs. */
  busyUs = 0;
  fsyncs = 0;
  crashes = 0;
  /** Crashed (not yet restarted). */
  down = false;
  /** Cut off from the other nodes and from clients (a network partition) until this time. */
  cutOffUntilUs = 0;
  /** Crashes so far, whole-broker ones too: work it had taken before one is void after it. */
  epoch = 0;
  /** Memory alarm: raised since (−1: none), and the time it was raised before. */
  alarmSinceUs = -1;
  blockedUs = 0;
  /** End of the fsync running now, and of the one queued behind it (−1: none queued). */
  private fsyncEndUs = -Infinity;
  private queuedFsyncEndUs = -1;

  constructor(
    readonly index: number,
    readonly name: string,
  ) {}

  /** Up and reachable now. */
  reachable(nowUs: number): boolean {
    return !this.down && this.cutOffUntilUs <= nowUs;
  }

  /** Time its memory alarm was raised, up to endUs. */
  blockedUsAt(endUs: number): number {
    return this.blockedUs + (this.alarmSinceUs >= 0 ? endUs - this.alarmSinceUs : 0);
  }

  /** Busy time after warmup up to endUs (work queued beyond the end is not counted). */
  busyUsAt(endUs: number): number {
    return this.busyUs - Math.max(0, this.freeAtUs - Math.max(endUs, 0));
  }

  /** The node goes down: the work it had queued is lost (the publishes it held are refused). */
  crash(nowUs: number, warmupUs: number): void {
    this.crashes++;
    this.epoch++;
    const from = Math.max(nowUs, warmupUs);
    if (this.freeAtUs > from) this.busyUs -= this.freeAtUs - from;
    this.freeAtUs = nowUs;
  }

  /**
   * Group commit: a write completed at `writeUs` is durable when an fsync that started after it
   * ends. One fsync runs at a time; every write made while it runs waits for the next one, which
   * covers them all. Returns when this write is durable.
   */
  durableAt(writeUs: number, fsyncUs: number): number {
    if (this.queuedFsyncEndUs >= 0 && writeUs >= this.fsyncEndUs) {
      this.fsyncEndUs = this.queuedFsyncEndUs; // the queued fsync started when the last ended
      this.queuedFsyncEndUs = -1;
    }
    if (writeUs >= this.fsyncEndUs) {
      this.fsyncs++;
      this.fsyncEndUs = writeUs + fsyncUs;
      return this.fsyncEndUs;
    }
    if (this.queuedFsyncEndUs < 0) {
      this.fsyncs++;
      this.queuedFsyncEndUs = this.fsyncEndUs + fsyncUs;
    }
    return this.queuedFsyncEndUs;
  }
}

/** Where a broker queue lives: its current leader and its replicas (a quorum queue's). */
export interface QueuePlacement {
  /** Report name of the channel's queue (`orders`, `events/billing`). */
  readonly name: string;
  readonly channel: number;
  leader: number;
  /** Nodes holding a copy, the home node first (one for a classic queue). */
  readonly replicas: number[];
  readonly quorum: boolean;
  /** An election is scheduled. */
  electing: boolean;
  /** The latest commit time so far: commits keep the order of the writes. */
  lastCommitUs: number;
}

export class Cluster {
  readonly nodes: NodeRt[];
  /** Per channel: the node leading it (a log: its partition 0's; an exchange: 0; direct: −1). */
  readonly channelNode: Int32Array;
  /** Per channel: its place among the channels with a leader (the placement's i), or −1. */
  private readonly placement: Int32Array;
  /** Per internal queue: its placement (null: a direct channel's line or a log group's counters). */
  readonly queues: Array<QueuePlacement | null>;
  /** Some node can fail on its own, or some channel is replicated: leaders may move. */
  readonly multiNode: boolean;
  /** Capacity: work per message and per payload byte (µs), fsync (µs, −1: none). */
  readonly finite: boolean;
  private readonly perMessageUs: number;
  private readonly perByteUs: number;
  readonly fsyncUs: number;
  readonly electionTimeoutUs: number;
  /** Node → node one-way delay, and its stream (drawn only when something replicates). */
  readonly replicationHop: DurationSampler;
  readonly rngReplication: Rng;
  private readonly warmupUs: number;
  /** Per channel with a leader: since when it has had none (−1: it has one); summed time. */
  private readonly leaderlessSinceUs: Float64Array;
  private unavailableUs = 0;
  /** Per channel: whether it has a leader at all (queues, topics, logs; not exchanges). */
  readonly hasLeader: boolean[];

  constructor(s: Scenario, topo: Topology, warmupUs: number, seed: number) {
    const n = s.broker.nodes;
    this.nodes = Array.from({ length: n }, (_, k) => new NodeRt(k, `broker#${k + 1}`));
    this.channelNode = new Int32Array(s.channels.length).fill(-1);
    this.placement = new Int32Array(s.channels.length).fill(-1);
    let i = 0;
    s.channels.forEach((c, ci) => {
      // An exchange has no leader: a publish that routes nowhere is read by the first node.
      if (c.kind === 'exchange') this.channelNode[ci] = 0;
      if (c.kind === 'direct' || c.kind === 'exchange') return;
      this.placement[ci] = i;
      this.channelNode[ci] = i % n;
      i++;
    });
    this.queues = topo.queues.map((info) => {
      const ch = s.channels[info.channel];
      if (info.directTimeout !== null || ch.kind === 'log') return null;
      const home = this.channelNode[info.channel];
      const quorum = ch.kind === 'queue' && ch.type === 'quorum';
      const copies = quorum && ch.kind === 'queue' ? (ch.replicas ?? Math.min(3, n)) : 1;
      return {
        name: info.name,
        channel: info.channel,
        leader: home,
        replicas: Array.from({ length: copies }, (_, j) => (home + j) % n),
        quorum,
        electing: false,
        lastCommitUs: 0,
      };
    });
    this.multiNode = n > 1;
    const cap = s.broker.capacity;
    this.finite = cap !== null;
    this.perMessageUs = cap === null ? 0 : cap.perMessage * 1000;
    this.perByteUs = cap === null ? 0 : cap.perByte * 1000;
    this.fsyncUs = cap === null || cap.fsync === null || !s.broker.durable ? -1 : msToUs(cap.fsync);
    this.electionTimeoutUs = msToUs(s.broker.electionTimeout);
    this.replicationHop = compileDurationUs(
      s.broker.replicationLatency ?? hopLatency(s.network, 'replicate'),
    );
    this.rngReplication = streamFor(seed, 'broker', 'replication');
    this.warmupUs = warmupUs;
    this.leaderlessSinceUs = new Float64Array(s.channels.length).fill(-1);
    this.hasLeader = s.channels.map((c) => c.kind !== 'direct' && c.kind !== 'exchange');
  }

  /** The node partition p of log channel ci is placed on (its first replica). */
  partitionHome(ci: number, p: number): number {
    return (this.placement[ci] + p) % this.nodes.length;
  }

  /** Quorum size of a group of `replicas` copies. */
  static majority(replicas: number): number {
    return Math.floor(replicas / 2) + 1;
  }

  /**
   * Queues work for `copies` copies of a message of `bytes` on node k, arriving at `atUs`;
   * returns when the node has done it (a whole µs: the clock's unit), in arrival order.
   * `batched`: a batch's message after its first, whose per-message work the batch paid.
   */
  serve(k: number, atUs: number, copies: number, bytes: number, batched = false): number {
    const node = this.nodes[k];
    const perUnitUs = batched ? 0 : this.perMessageUs;
    const workUs = copies * (perUnitUs + this.perByteUs * bytes);
    const start = node.freeAtUs > atUs ? node.freeAtUs : atUs;
    const end = start + workUs;
    node.freeAtUs = end;
    if (end > this.warmupUs) node.busyUs += end - Math.max(start, this.warmupUs);
    return Math.ceil(end);
  }

  /** When a write done on node k at `writeUs` is durable there (an fsync, or at once). */
  durableOn(k: number, writeUs: number): number {
    return this.fsyncUs < 0 ? writeUs : this.nodes[k].durableAt(writeUs, this.fsyncUs);
  }

  /** Channel ci has lost its leader (a no-op if it had none already). */
  leaderLost(ci: number, nowUs: number): void {
    if (this.hasLeader[ci] && this.leaderlessSinceUs[ci] < 0) this.leaderlessSinceUs[ci] = nowUs;
  }

  /** Channel ci has a leader again. */
  leaderBack(ci: number, nowUs: number): void {
    const since = this.leaderlessSinceUs[ci];
    if (since < 0) return;
    this.unavailableUs += nowUs - since;
    this.leaderlessSinceUs[ci] = -1;
  }

  /** Time channels had no leader up to endUs, summed over channels. */
  unavailableUsAt(endUs: number): number {
    let total = this.unavailableUs;
    for (const since of this.leaderlessSinceUs)
      if (since >= 0 && endUs > since) total += endUs - since;
    return total;
  }
}
