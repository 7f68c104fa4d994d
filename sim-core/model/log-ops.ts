// Log behaviour on top of the engine: appending, handing each owned partition's next record to
// its owner, finishing (watermark, commit), retention, rebalancing and offset resets.
// Kept apart from the queue logic; the engine calls in at its few log-specific points.

import { Ev } from './events';
import { MsgFlag, MsgState } from './messages';
import type { Engine } from './engine';
import type { GroupRt, LogRt } from './log';
import type { InstanceRt } from './runtime';

/** Scheduled log tasks, numbered after the engine's own. */
export const LogTask = { retention: 40, commitAtBroker: 41, commitTick: 42 } as const;

export class LogOps {
  /** Records held by logs (they do not keep a drained run going), and the groups' total lag. */
  held = 0;
  lag = 0;

  constructor(private readonly e: Engine) {}

  append(log: LogRt, s: number): void {
    const e = this.e;
    const m = e.msgs;
    const now = e.kernel.nowUs;
    const p = log.partitionOf(m.key[s]);
    const offset = log.end[p]++;
    log.records[p].pushBack(s);
    this.held++;
    m.queue[s] = p;
    m.enqueueOrder[s] = offset;
    m.enqueueUs[s] = now;
    m.state[s] = MsgState.ready;
    m.flags[s] |= MsgFlag.logRecord;
    for (const g of log.groups) {
      const q = e.queues[g.target];
      q.touch(now, e.warmupUs);
      q.unacked++;
      this.lag++;
      q.settle();
      e.obs.onEvent(Ev.enqueued, now, s, g.target, (m.flags[s] & MsgFlag.secondary) !== 0 ? 2 : 0);
      this.kick(g, p);
    }
    this.armRetention(log);
  }

  /** Hands the partition's next record to its owner if both are free. */
  kick(g: GroupRt, p: number): void {
    const e = this.e;
    const owner = g.owner[p];
    if (owner < 0 || g.inflightToken[p] !== 0 || !e.brokerUp) return;
    const inst = e.instances[owner];
    if (!inst.up || !inst.connected || inst.logInFlight >= inst.concurrency) return;
    const log = g.log;
    let offset = g.position[p];
    if (offset < log.base[p]) offset = log.base[p]; // deleted records were counted lost already
    if (offset >= log.end[p]) return;
    const m = e.msgs;
    const s = log.recordAt(p, offset);
    g.position[p] = offset + 1;
    const token = ++e.tokenSeq;
    g.inflightToken[p] = token;
    inst.logInFlight++;
    m.refs[s]++;
    const now = e.kernel.nowUs;
    const redelivery = offset < g.fetchedUpTo[p];
    if (!redelivery) g.fetchedUpTo[p] = offset + 1;
    e.obs.onEvent(Ev.delivered, now, s, inst.index, redelivery ? 2 : 1);
    // Consumers fetch ahead, so a record is at the consumer one hop after it was appended.
    let t = m.enqueueUs[s] + (e.net.zeroLatency ? 0 : e.net.hopDelay(inst.rngBrokerNet));
    if (t < inst.partitionUntilUs) t = inst.partitionUntilUs;
    if (t <= now) e.consumerOps.arriveAtConsumer(s, inst, token);
    else e.consumerOps.scheduleArrival(t, s, inst, token);
  }

  /** A fetch its member never received (its connection died): the partition fetches it again. */
  deliveryDropped(inst: InstanceRt, s: number, token: number): void {
    if (inst.group < 0) return;
    const g = this.e.groups[inst.group];
    const p = this.e.msgs.queue[s];
    if (g.inflightToken[p] !== token) return;
    g.inflightToken[p] = 0;
    g.position[p] = this.e.msgs.enqueueOrder[s];
  }

  /** Offers the member's owned partitions, round-robin from where it left off, while it has a free server. */
  pumpMember(inst: InstanceRt): void {
    if (inst.group < 0) return;
    const g = this.e.groups[inst.group];
    const n = g.log.partitions;
    for (let i = 0; i < n && inst.logInFlight < inst.concurrency; i++) {
      const p = (inst.logCursor + i) % n;
      if (g.owner[p] !== inst.index) continue;
      this.kick(g, p);
      if (g.inflightToken[p] !== 0) inst.logCursor = (p + 1) % n;
    }
  }

  /** A member finished a record: the side effect (first or again), then the commit. */
  finish(s: number, inst: InstanceRt, token: number, failed: boolean, startUs: number): void {
    const e = this.e;
    const m = e.msgs;
    const g = e.groups[inst.group];
    const p = m.queue[s];
    const offset = m.enqueueOrder[s];
    inst.logInFlight--;
    const current = g.inflightToken[p] === token;
    if (failed) {
      e.obs.onEvent(Ev.failed, e.kernel.nowUs, s, inst.index, 0);
      if (current) g.position[p] = offset; // retried in place: a poison record blocks its partition
    } else {
      const first = offset >= g.processedUpTo[p];
      if (first) {
        const q = e.queues[g.target];
        q.touch(e.kernel.nowUs, e.warmupUs);
        g.processedUpTo[p] = Math.max(offset + 1, g.lostUpTo[p]);
        q.unacked--;
        this.lag--;
      }
      e.consumerOps.sideEffect(s, inst, startUs, first);
      if (current) {
        g.localDone[p] = offset + 1;
        if (g.commitEveryUs === 0) this.sendCommit(g, p, inst, offset + 1);
      }
    }
    if (current) g.inflightToken[p] = 0;
    e.release(s);
    this.pumpMember(inst);
    e.checkDrained();
  }

  private sendCommit(g: GroupRt, p: number, inst: InstanceRt, offset: number): void {
    const e = this.e;
    if (inst.connToken > 0 && !inst.connected) return;
    if (e.net.lostAck(inst)) return;
    const now = e.kernel.nowUs;
    const a = g.index * 65536 + p;
    if (e.net.zeroLatency && inst.partitionUntilUs <= now)
      this.commitAtBroker(a, inst.index, offset);
    else e.kernel.at(e.net.ackArrival(inst), LogTask.commitAtBroker, a, inst.index, offset);
  }

  /** A commit from a member that no longer owns the partition is rejected (fenced), as in Kafka. */
  commitAtBroker(a: number, instance: number, offset: number): void {
    const e = this.e;
    const g = e.groups[Math.floor(a / 65536)];
    const p = a % 65536;
    if (!e.brokerUp || g.owner[p] !== instance) return;
    if (offset > g.committed[p]) g.committed[p] = offset;
    this.trim(g.log, p);
  }

  /** Interval commits: every `every`, a member commits how far it got on each partition. */
  commitTick(inst: InstanceRt): void {
    if (!inst.up || inst.group < 0) return;
    const g = this.e.groups[inst.group];
    for (let p = 0; p < g.log.partitions; p++) {
      if (g.owner[p] === inst.index && g.localDone[p] > g.committed[p])
        this.sendCommit(g, p, inst, g.localDone[p]);
    }
    this.e.kernel.after(g.commitEveryUs, LogTask.commitTick, inst.index, 0, 0);
  }

  startCommitTicks(inst: InstanceRt): void {
    if (inst.group < 0) return;
    const g = this.e.groups[inst.group];
    if (g.commitEveryUs > 0)
      this.e.kernel.after(g.commitEveryUs, LogTask.commitTick, inst.index, 0, 0);
  }

  /** Without replay, records every group has committed can never be read again: free them. */
  private trim(log: LogRt, p: number): void {
    if (log.replayable || log.groups.length === 0) return;
    let min = Infinity;
    for (const g of log.groups) min = Math.min(min, g.committed[p]);
    while (log.base[p] < min && log.records[p].length > 0) this.dropHead(log, p, false);
  }

  /** Removes the partition's oldest record; `expired`: by retention, lost for groups behind it. */
  private dropHead(log: LogRt, p: number, expired: boolean): void {
    const e = this.e;
    const s = log.records[p].popFront();
    const offset = log.base[p]++;
    this.held--;
    if (expired) for (const g of log.groups) this.loseFor(g, p, s, offset);
    e.release(s);
  }

  /** The offset the group is processing on this partition right now, or -1. */
  private inFlightOffset(g: GroupRt, p: number): number {
    return g.inflightToken[p] !== 0 ? g.position[p] - 1 : -1;
  }

  /**
   * A record the group never read is gone. Records deleted behind one still being processed move
   * the watermark only once that one finishes (it is not lost: it is being processed).
   */
  private loseFor(g: GroupRt, p: number, s: number, offset: number): void {
    const e = this.e;
    const busy = this.inFlightOffset(g, p);
    if (offset === busy || offset < g.processedUpTo[p]) return;
    const q = e.queues[g.target];
    q.touch(e.kernel.nowUs, e.warmupUs);
    if (busy >= g.processedUpTo[p] && busy < offset)
      g.lostUpTo[p] = Math.max(g.lostUpTo[p], offset + 1);
    else g.processedUpTo[p] = offset + 1;
    if (g.position[p] < offset + 1) g.position[p] = offset + 1;
    q.unacked--;
    this.lag--;
    e.obs.onEvent(Ev.lost, e.kernel.nowUs, s, g.target, 0);
  }

  private armRetention(log: LogRt): void {
    if (log.retentionUs === 0 || log.retentionArmed) return;
    let oldest = Infinity;
    for (let p = 0; p < log.partitions; p++) {
      if (log.records[p].length > 0)
        oldest = Math.min(oldest, this.e.msgs.enqueueUs[log.records[p].peekFront()]);
    }
    if (oldest === Infinity) return;
    log.retentionArmed = true;
    this.e.kernel.at(oldest + log.retentionUs, LogTask.retention, log.index, 0, 0);
  }

  /** Retention deletes old records whether or not every group has read them. */
  retention(log: LogRt): void {
    log.retentionArmed = false;
    const e = this.e;
    const now = e.kernel.nowUs;
    for (let p = 0; p < log.partitions; p++) {
      const recs = log.records[p];
      while (recs.length > 0 && e.msgs.enqueueUs[recs.peekFront()] + log.retentionUs <= now)
        this.dropHead(log, p, true);
    }
    this.armRetention(log);
    e.checkDrained();
  }

  /**
   * Sticky rebalance: live members keep their partitions up to an even share; partitions of
   * members that left (or beyond a member's share when one joins) go to members below their
   * share. A partition taken from a live member is committed first (commit on revoke), so its
   * new owner carries on where it stopped; one taken from a dead member resumes at its last
   * commit, so records processed but not committed are processed again.
   */
  rebalance(g: GroupRt): void {
    const e = this.e;
    const live = g.members.filter((i) => e.instances[i].up && e.instances[i].connected);
    const parts = g.log.partitions;
    const quota = new Map<number, number>();
    live.forEach((m, k) =>
      quota.set(m, Math.floor(parts / live.length) + (k < parts % live.length ? 1 : 0)),
    );
    const held = new Map<number, number>(live.map((m) => [m, 0]));
    const orphans: number[] = [];
    for (let p = 0; p < parts; p++) {
      const owner = g.owner[p];
      const count = held.get(owner);
      if (count !== undefined && count < quota.get(owner)!) held.set(owner, count + 1);
      else {
        if (count !== undefined && g.localDone[p] > g.committed[p]) g.committed[p] = g.localDone[p];
        orphans.push(p);
      }
    }
    for (const p of orphans) {
      const next = live.find((m) => held.get(m)! < quota.get(m)!) ?? -1;
      if (next >= 0) held.set(next, held.get(next)! + 1);
      g.owner[p] = next;
      this.resume(g, p, g.committed[p]);
    }
    for (let p = 0; p < parts; p++) this.kick(g, p);
  }

  private resume(g: GroupRt, p: number, offset: number): void {
    g.position[p] = offset;
    g.localDone[p] = offset;
    g.inflightToken[p] = 0; // a delivery still being processed elsewhere is now stale
  }

  /** Replay (event sourcing) or skip ahead: every partition of the group moves to one end. */
  resetOffsets(name: string, to: 'earliest' | 'latest'): void {
    for (const g of this.e.groups) {
      if (g.name !== name) continue;
      for (let p = 0; p < g.log.partitions; p++) {
        const log = g.log;
        if (to === 'latest') {
          // Skipping ahead abandons the records not processed yet: those copies are lost.
          for (let o = Math.max(g.processedUpTo[p], log.base[p]); o < log.end[p]; o++)
            this.loseFor(g, p, log.recordAt(p, o), o);
        }
        const offset = to === 'earliest' ? log.base[p] : log.end[p];
        g.committed[p] = offset;
        this.resume(g, p, offset);
      }
      for (let p = 0; p < g.log.partitions; p++) this.kick(g, p);
    }
  }

  /**
   * The broker went down. A durable one keeps records and offsets, and members keep their
   * positions (a fetch on the way is fetched again); a transient one loses every record.
   */
  brokerCrashed(durable: boolean): void {
    const e = this.e;
    if (!durable) {
      for (const log of e.logs) {
        for (let p = 0; p < log.partitions; p++) {
          while (log.records[p].length > 0) this.dropHead(log, p, true);
          for (const g of log.groups) g.committed[p] = log.end[p];
        }
      }
    }
    for (const g of e.groups) {
      for (let p = 0; p < g.log.partitions; p++) {
        const busy = this.inFlightOffset(g, p);
        if (busy >= 0) this.resume(g, p, busy);
        if (!durable) this.resume(g, p, g.log.end[p]);
      }
    }
  }
}
