// The broker's nodes: where each channel's leader lives and, with finite capacity, each node as
// one FIFO server of its work with group-committed fsyncs. Leaders are placed round-robin in
// declaration order: the i-th queue, topic or log (exchanges have no leader, direct channels no
// broker), partition p → node (i + p) mod nodes. With one node and no capacity nothing here changes a run.

import type { Scenario } from '../scenario/types';
import { msToUs } from '../time';

export class NodeRt {
  /** When the node's server is next free, µs (fractional: per-byte work is a fraction of a µs). */
  freeAtUs = 0;
  /** Server busy time after warmup, µs. */
  busyUs = 0;
  fsyncs = 0;
  crashes = 0;
  /** End of the fsync running now, and of the one queued behind it (−1: none queued). */
  private fsyncEndUs = -Infinity;
  private queuedFsyncEndUs = -1;

  constructor(
    readonly name: string,
    /** Channels and partitions it leads, for the report (`orders`, `ledger[2]`). */
    readonly leaderOf: string[],
  ) {}

  /** Busy time after warmup up to endUs (work queued beyond the end is not counted). */
  busyUsAt(endUs: number): number {
    return this.busyUs - Math.max(0, this.freeAtUs - Math.max(endUs, 0));
  }

  /** The node goes down: the work it had queued is lost (the publishes it held are refused). */
  crash(nowUs: number, warmupUs: number): void {
    this.crashes++;
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

export class Cluster {
  readonly nodes: NodeRt[];
  /** Per channel: the node leading it (a log: its partition 0's; an exchange: 0; direct: −1). */
  readonly channelNode: Int32Array;
  /** Per channel: its place among the channels with a leader (the placement's i), or −1. */
  private readonly placement: Int32Array;
  /** Capacity: work per message and per payload byte (µs), fsync (µs, −1: none). */
  readonly finite: boolean;
  private readonly perMessageUs: number;
  private readonly perByteUs: number;
  readonly fsyncUs: number;
  private readonly warmupUs: number;
  /** Per channel with a leader: since when it has had none (−1: it has one); summed time. */
  private readonly leaderlessSinceUs: Float64Array;
  private unavailableUs = 0;

  constructor(s: Scenario, warmupUs: number) {
    const n = s.broker.nodes;
    const leads: string[][] = Array.from({ length: n }, () => []);
    this.channelNode = new Int32Array(s.channels.length).fill(-1);
    this.placement = new Int32Array(s.channels.length).fill(-1);
    let i = 0;
    s.channels.forEach((c, ci) => {
      // An exchange has no leader: a publish that routes nowhere is read by the first node.
      if (c.kind === 'exchange') this.channelNode[ci] = 0;
      if (c.kind === 'direct' || c.kind === 'exchange') return;
      this.placement[ci] = i;
      this.channelNode[ci] = i % n;
      if (c.kind === 'log')
        for (let p = 0; p < c.partitions; p++) leads[(i + p) % n].push(`${c.id}[${p}]`);
      else leads[i % n].push(c.id);
      i++;
    });
    this.nodes = leads.map((l, k) => new NodeRt(`broker#${k + 1}`, l));
    const cap = s.broker.capacity;
    this.finite = cap !== null;
    this.perMessageUs = cap === null ? 0 : cap.perMessage * 1000;
    this.perByteUs = cap === null ? 0 : cap.perByte * 1000;
    this.fsyncUs = cap === null || cap.fsync === null || !s.broker.durable ? -1 : msToUs(cap.fsync);
    this.warmupUs = warmupUs;
    this.leaderlessSinceUs = new Float64Array(s.channels.length).fill(-1);
    this.hasLeader = s.channels.map((c) => c.kind !== 'direct' && c.kind !== 'exchange');
  }

  /** Per channel: whether it has a leader at all (queues, topics, logs; not exchanges). */
  readonly hasLeader: boolean[];

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

  /** The node leading partition p of log channel ci. */
  partitionNode(ci: number, p: number): number {
    return (this.placement[ci] + p) % this.nodes.length;
  }

  /**
   * Queues work for `copies` copies of a message of `bytes` on node k, arriving now; returns
   * when the node has done it (a whole µs: the clock's unit), in arrival order.
   */
  serve(k: number, nowUs: number, copies: number, bytes: number): number {
    const node = this.nodes[k];
    const workUs = copies * (this.perMessageUs + this.perByteUs * bytes);
    const start = node.freeAtUs > nowUs ? node.freeAtUs : nowUs;
    const end = start + workUs;
    node.freeAtUs = end;
    if (end > this.warmupUs) node.busyUs += end - Math.max(start, this.warmupUs);
    return Math.ceil(end);
  }
}
