// Partitioned logs (Kafka-like): records appended to partitions by a stable key hash (or
// round-robin without a key), read by consumer groups that each see everything. Within a group a
// partition has at most one owner and is processed one record at a time, in offset order.
// A copy is (record, group); per group and partition, `processedUpTo` is the watermark below
// which every offset has been processed, so processing below it again is a duplicate.

import type { LogChannel, Scenario } from '../scenario/types';
import { keyHash } from '../hash';
import { msToUs } from '../time';
import type { InstanceRt } from './entities';
import { F64Fifo, IntDeque } from './ring';

export class GroupRt {
  /** Member instances (of every consumer definition in this group). */
  readonly members: number[] = [];
  readonly owner: Int32Array;
  /** Next offset the owner fetches; last committed offset; first offset not yet processed. */
  readonly position: Float64Array;
  readonly committed: Float64Array;
  readonly processedUpTo: Float64Array;
  /** Token of the delivery being processed on each partition (0: none). */
  readonly inflightToken: Int32Array;
  /**
   * Its message slot, valid while the token is set: every way that delivery ends clears the
   * token, and the delivery holds a reference on the slot until it ends.
   */
  readonly inflightSlot: Int32Array;
  /** First offset the current owner has finished, for interval commits. */
  readonly localDone: Float64Array;
  /** Records deleted unread while an earlier one was in flight: the watermark jumps here after it. */
  readonly lostUpTo: Float64Array;
  /** First offset never fetched: fetching below it is a redelivery. */
  readonly fetchedUpTo: Float64Array;
  /** Whether the partition waits in its owner's readyParts. */
  readonly queued: Uint8Array;
  readonly commitEveryUs: number;
  readonly sessionTimeoutUs: number;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly log: LogRt,
    /** Internal target index (a QueueRt slot used for this group's counters and lag). */
    readonly target: number,
    commit: { mode: string; every?: number },
    sessionTimeoutMs: number,
  ) {
    const p = log.partitions;
    this.owner = new Int32Array(p).fill(-1);
    this.position = new Float64Array(p);
    this.committed = new Float64Array(p);
    this.processedUpTo = new Float64Array(p);
    this.inflightToken = new Int32Array(p);
    this.inflightSlot = new Int32Array(p).fill(-1);
    this.localDone = new Float64Array(p);
    this.lostUpTo = new Float64Array(p);
    this.fetchedUpTo = new Float64Array(p);
    this.queued = new Uint8Array(p);
    this.commitEveryUs =
      commit.mode === 'interval' && commit.every !== undefined ? msToUs(commit.every) : 0;
    this.sessionTimeoutUs = msToUs(sessionTimeoutMs);
  }
}

export class LogRt {
  readonly partitions: number;
  readonly retentionUs: number;
  /** Retained record slots per partition, oldest first; offsets base[p] .. end[p]-1. */
  readonly records: IntDeque[];
  readonly base: Float64Array;
  readonly end: Float64Array;
  readonly groups: GroupRt[] = [];
  roundRobin = 0;
  retentionArmed = false;
  /** With retention: every retained record's partition and offset, in append (time) order. */
  readonly appendedPart = new IntDeque(64);
  readonly appendedOffset = new IntDeque(64);
  /** Records may be replayed from the start (a resetOffsets fault): keep them all. */
  replayable = false;
  /** Per partition: the node leading it, and whether it has a leader now. */
  readonly leader: Int32Array;
  readonly leaderUp: Uint8Array;
  /** Copies per partition; acks=all needs this many in sync; unclean elections allowed. */
  readonly rf: number;
  readonly minInsync: number;
  readonly unclean: boolean;
  /**
   * Per partition × replica (index p·rf + r): its node, whether it is in sync, its log end as
   * last known, the durable arrival times of the records sent to it since, and the last one.
   */
  readonly replicaNode: Int32Array;
  readonly inSync: Uint8Array;
  readonly replicaEnd: Float64Array;
  readonly arrivals: F64Fifo[];
  readonly lastArrivalUs: Float64Array;
  /** Per partition: the committed end (high watermark): groups see the records below it. */
  readonly hw: Float64Array;
  /** Per partition: bumped at each election; a commit of an older leader's is void. */
  readonly leaderEpoch: Float64Array;
  /** An election is scheduled for the partition. */
  readonly electing: Uint8Array;
  /** Per partition: the latest commit time scheduled: records commit in offset order. */
  readonly lastCommitUs: Float64Array;

  constructor(
    readonly index: number,
    readonly channel: number,
    readonly def: LogChannel,
  ) {
    this.partitions = def.partitions;
    this.retentionUs = def.retention === null ? 0 : msToUs(def.retention);
    this.records = Array.from({ length: def.partitions }, () => new IntDeque(64));
    this.base = new Float64Array(def.partitions);
    this.end = new Float64Array(def.partitions);
    const parts = def.partitions;
    this.rf = def.replicationFactor;
    this.minInsync = def.minInsyncReplicas;
    this.unclean = def.uncleanLeaderElection;
    this.leader = new Int32Array(parts);
    this.leaderUp = new Uint8Array(parts).fill(1);
    this.replicaNode = new Int32Array(parts * this.rf);
    this.inSync = new Uint8Array(parts * this.rf).fill(1);
    this.replicaEnd = new Float64Array(parts * this.rf);
    this.arrivals =
      this.rf > 1 ? Array.from({ length: parts * this.rf }, () => new F64Fifo(8)) : [];
    this.lastArrivalUs = new Float64Array(parts * this.rf);
    this.hw = new Float64Array(parts);
    this.leaderEpoch = new Float64Array(parts);
    this.electing = new Uint8Array(parts);
    this.lastCommitUs = new Float64Array(parts);
  }

  /** Places partition p's replicas on the nodes from its home on; the home leads. */
  place(p: number, home: number, nodes: number): void {
    this.leader[p] = home;
    for (let r = 0; r < this.rf; r++) this.replicaNode[p * this.rf + r] = (home + r) % nodes;
  }

  /** The end of what groups may read: the high watermark of a replicated log. */
  visibleEnd(p: number): number {
    return this.rf > 1 ? this.hw[p] : this.end[p];
  }

  /** Stable key → partition hash (so a key always lands on the same partition). */
  partitionOf(key: number): number {
    if (key < 0) return this.roundRobin++ % this.partitions;
    return keyHash(key) % this.partitions;
  }

  /** The partition partitionOf would pick next, without taking it. */
  peekPartition(key: number): number {
    return key < 0 ? this.roundRobin % this.partitions : keyHash(key) % this.partitions;
  }

  /** The record slot at an offset (which must be retained). */
  recordAt(p: number, offset: number): number {
    return this.records[p].at(offset - this.base[p]);
  }
}

export interface LogTopology {
  logs: LogRt[];
  /** Channel index → log, or undefined. */
  logByChannel: Array<LogRt | undefined>;
  groups: GroupRt[];
}

/**
 * Builds logs and their groups; each group's counters live in the internal queue the topology
 * made for it (`ledger/audit`). Members are attached to groups by consumer definition.
 */
export function buildLogs(
  s: Scenario,
  channelIndex: ReadonlyMap<string, number>,
  queueIndex: ReadonlyMap<string, number>,
  instances: InstanceRt[],
): LogTopology {
  const logs: LogRt[] = [];
  const logByChannel: Array<LogRt | undefined> = [];
  const groups: GroupRt[] = [];
  s.channels.forEach((ch, ci) => {
    if (ch.kind !== 'log') return;
    const log = new LogRt(logs.length, ci, ch);
    logs.push(log);
    logByChannel[ci] = log;
  });
  s.consumers.forEach((c, ci) => {
    const log = logByChannel[channelIndex.get(c.from) ?? -1];
    if (!log) return;
    const name = c.group ?? c.id;
    let g = log.groups.find((x) => x.name === name);
    if (!g) {
      const target = queueIndex.get(`${c.from}/${name}`)!;
      g = new GroupRt(groups.length, name, log, target, c.commit, c.sessionTimeout);
      log.groups.push(g);
      groups.push(g);
    }
    for (const inst of instances) if (inst.consumer === ci) g.members.push(inst.index);
  });
  for (const f of s.faults) {
    if ('resetOffsets' in f && f.to === 'earliest')
      for (const g of groups) if (g.name === f.resetOffsets) g.log.replayable = true;
  }
  return { logs, logByChannel, groups };
}

/**
 * Consumer lag of a partition, as Kafka tools report it: log-end offset minus the group's
 * committed offset (records deleted by retention no longer count). A replay from earliest
 * shows as the whole log, which the group then reads down.
 */
export function partitionLag(g: GroupRt, p: number): number {
  const log = g.log;
  return log.end[p] - Math.max(g.committed[p], log.base[p]);
}

/** The group's lag over all its partitions. */
export function groupLag(g: GroupRt): number {
  let n = 0;
  for (let p = 0; p < g.log.partitions; p++) n += partitionLag(g, p);
  return n;
}
