// Partitioned logs at work: appending, handing each owned partition's next record to its owner,
// finishing a record (watermark, commit), commits and retention. A log copy is (record, group);
// its outcome is decided per group here (processed below the watermark, or lost to retention),
// never through the queue copies' holders.

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import { copyAux, MsgFlag, MsgState } from './messages';
import type { InstanceRt } from './entities';
import type { GroupRt, LogRt } from './log-state';
import type { State } from './state';
import { checkDrained, release } from './copies';
import { inlineHop, lostAck, toBrokerArrival } from './network';
import { sideEffect } from './side-effects';
import { replicateRecord } from './replication';

export function appendToLog(st: State, cx: Ctx, log: LogRt, s: number): void {
  const m = st.msgs;
  const now = cx.nowUs;
  if (!log.leaderUp[log.peekPartition(m.key[s])]) {
    // The partition's leader is down or cut off (and no other has been elected yet).
    cx.emit(Ev.rejected, s, -1, 0);
    release(st, cx, s);
    return;
  }
  const p = log.partitionOf(m.key[s]);
  const offset = log.end[p]++;
  log.records[p].pushBack(s);
  st.logHeld++;
  m.queue[s] = p;
  m.enqueueOrder[s] = offset;
  m.enqueueUs[s] = now;
  m.state[s] = MsgState.ready;
  m.flags[s] |= MsgFlag.logRecord;
  if (log.retentionUs > 0) {
    log.appendedPart.pushBack(p);
    log.appendedOffset.pushBack(offset);
  }
  for (const g of log.groups) {
    const q = st.queues[g.target];
    st.gauges.touchQueue(q, now);
    q.unacked++;
    st.logLag++;
    st.gauges.settleQueue(q);
    cx.emit(Ev.enqueued, s, g.target, copyAux(m, s));
    kick(st, cx, g, p);
  }
  armRetention(st, cx, log);
  if (log.rf > 1) replicateRecord(st, cx, log, p, offset, m.size[s]);
}

/** Records of partition p up to `end` are committed: the groups may read them. */
export function commitUpTo(st: State, cx: Ctx, log: LogRt, p: number, end: number): void {
  if (end <= log.hw[p]) return;
  log.hw[p] = end;
  for (const g of log.groups) kick(st, cx, g, p);
}

/**
 * Hands the partition's next record to its owner if both are free; a partition with a record
 * whose owner is busy waits in the owner's readyParts (so a member never scans its partitions).
 */
export function kick(st: State, cx: Ctx, g: GroupRt, p: number): void {
  const owner = g.owner[p];
  if (owner < 0 || g.inflightToken[p] !== 0 || !g.log.leaderUp[p]) return;
  const inst = st.instances[owner];
  if (!inst.up || !inst.connected) return; // a rebalance kicks every partition when it is back
  const log = g.log;
  let offset = g.position[p];
  if (offset < log.base[p]) offset = log.base[p]; // deleted records were counted lost already
  if (offset >= log.visibleEnd(p)) return;
  if (inst.logInFlight >= inst.concurrency) {
    if (g.queued[p] === 0) {
      g.queued[p] = 1;
      inst.readyParts.pushBack(p);
    }
    return;
  }
  const m = st.msgs;
  const s = log.recordAt(p, offset);
  g.position[p] = offset + 1;
  const token = ++st.tokenSeq;
  g.inflightToken[p] = token;
  g.inflightSlot[p] = s;
  inst.logInFlight++;
  m.refs[s]++;
  const now = cx.nowUs;
  const redelivery = offset < g.fetchedUpTo[p];
  if (!redelivery) g.fetchedUpTo[p] = offset + 1;
  cx.emit(Ev.delivered, s, inst.index, redelivery ? 2 : 1);
  // Consumers fetch ahead, so a record is at the consumer one hop after it was appended.
  const hop = st.hopDeliver;
  let t = m.enqueueUs[s] + (hop.isZero ? 0 : hop.sampleUs(inst.rngBrokerNet));
  if (t < inst.partitionUntilUs) t = inst.partitionUntilUs;
  if (t <= now) cx.run(Task.atConsumer, s, inst.index, token);
  else cx.at(t, Task.atConsumer, s, inst.index, token);
}

/** A fetch its member never received (its connection died): the partition fetches it again. */
export function logDeliveryDropped(
  st: State,
  cx: Ctx,
  inst: InstanceRt,
  s: number,
  token: number,
): void {
  if (inst.group < 0) return;
  const g = st.groups[inst.group];
  const p = st.msgs.queue[s];
  if (fetchEnded(st, cx, g, s, token)) kick(st, cx, g, p);
}

/**
 * A delivery of record s to a member of g ends unprocessed (it failed, was dropped, or its
 * process died). If it was the partition's current fetch, the partition may fetch that offset
 * again: true. Retention skips a record while it is being processed; if it deleted this one
 * meanwhile, nothing can read it any more, and the group's copy is lost now.
 */
export function fetchEnded(st: State, cx: Ctx, g: GroupRt, s: number, token: number): boolean {
  const m = st.msgs;
  const p = m.queue[s];
  const offset = m.enqueueOrder[s];
  const current = g.inflightToken[p] === token;
  if (current) {
    g.inflightToken[p] = 0;
    g.position[p] = offset;
  }
  if (offset < g.log.base[p]) loseDeleted(st, cx, g, p, s, offset);
  return current;
}

/** Whether g's copy of the record at `offset` is decided already: processed, or lost. */
export function copyDecided(g: GroupRt, p: number, offset: number): boolean {
  return offset < g.processedUpTo[p] || (offset > g.processedUpTo[p] && offset < g.lostUpTo[p]);
}

/** A deleted record's copy for g is lost, unless it was decided already (processed or lost). */
function loseDeleted(st: State, cx: Ctx, g: GroupRt, p: number, s: number, offset: number): void {
  if (copyDecided(g, p, offset)) return;
  const q = st.queues[g.target];
  st.gauges.touchQueue(q, cx.nowUs);
  g.processedUpTo[p] = Math.max(offset + 1, g.lostUpTo[p]);
  if (g.position[p] < offset + 1) g.position[p] = offset + 1;
  q.unacked--;
  st.logLag--;
  cx.emitOutcome(Ev.lost, s, g.target, 0);
}

/**
 * The group gives up the partition's fetch in flight (a rebalance, an offset reset, a broker
 * crash): that delivery is stale from now on. If retention deleted its record while it was out,
 * the copy is lost now; the stale delivery may still finish, as a processing again.
 */
export function abandonInFlight(st: State, cx: Ctx, g: GroupRt, p: number): void {
  if (g.inflightToken[p] === 0) return;
  const s = g.inflightSlot[p];
  g.inflightToken[p] = 0;
  const offset = st.msgs.enqueueOrder[s];
  if (offset < g.log.base[p]) loseDeleted(st, cx, g, p, s, offset);
}

/** Fetches for the member's waiting partitions, in the order they became ready, while it has a free server. */
export function pumpMember(st: State, cx: Ctx, inst: InstanceRt): void {
  if (inst.group < 0) return;
  const g = st.groups[inst.group];
  const ready = inst.readyParts;
  while (ready.length > 0 && inst.logInFlight < inst.concurrency) {
    const p = ready.popFront();
    g.queued[p] = 0;
    kick(st, cx, g, p); // a stale entry (moved, or drained since) does nothing
  }
}

/** A member finished a record: the side effect (first or again), then the commit. */
export function finishRecord(
  st: State,
  cx: Ctx,
  s: number,
  inst: InstanceRt,
  token: number,
  failed: boolean,
  startUs: number,
): void {
  const m = st.msgs;
  const g = st.groups[inst.group];
  const p = m.queue[s];
  const offset = m.enqueueOrder[s];
  inst.logInFlight--;
  const current = g.inflightToken[p] === token;
  if (failed) {
    cx.emit(Ev.failed, s, inst.index, 0);
    // Retried in place (a poison record blocks its partition), unless retention deleted it.
    fetchEnded(st, cx, g, s, token);
  } else {
    const first = offset >= g.processedUpTo[p];
    if (first) {
      const q = st.queues[g.target];
      st.gauges.touchQueue(q, cx.nowUs);
      g.processedUpTo[p] = Math.max(offset + 1, g.lostUpTo[p]);
      q.unacked--;
      st.logLag--;
    }
    sideEffect(st, cx, s, inst, startUs, first);
    if (current) {
      g.localDone[p] = offset + 1;
      if (g.commitEveryUs === 0) sendCommit(st, cx, g, p, inst, offset + 1);
    }
  }
  if (current) g.inflightToken[p] = 0;
  release(st, cx, s);
  // Its partition's next record waits behind the partitions that were ready before it.
  if (
    current &&
    g.owner[p] === inst.index &&
    g.queued[p] === 0 &&
    g.position[p] < g.log.visibleEnd(p)
  ) {
    g.queued[p] = 1;
    inst.readyParts.pushBack(p);
  }
  pumpMember(st, cx, inst);
  checkDrained(st, cx);
}

function sendCommit(
  st: State,
  cx: Ctx,
  g: GroupRt,
  p: number,
  inst: InstanceRt,
  offset: number,
): void {
  if (inst.connToken > 0 && !inst.connected) return;
  if (lostAck(st, inst)) return;
  const now = cx.nowUs;
  const a = g.index * 65536 + p;
  if (inlineHop(st.hopAck, now, inst.partitionUntilUs))
    cx.run(Task.commitAtBroker, a, inst.index, offset);
  else cx.at(toBrokerArrival(st, now, inst), Task.commitAtBroker, a, inst.index, offset);
}

/** A commit from a member that no longer owns the partition is rejected (fenced), as in Kafka. */
export function commitAtBroker(
  st: State,
  cx: Ctx,
  a: number,
  instance: number,
  offset: number,
): void {
  const g = st.groups[Math.floor(a / 65536)];
  const p = a % 65536;
  if (!st.brokerUp || g.owner[p] !== instance) return;
  if (offset > g.committed[p]) g.committed[p] = offset;
  trim(st, cx, g.log, p);
}

/** Interval commits: every `every`, a member commits how far it got on each partition. */
export function commitTick(st: State, cx: Ctx, inst: InstanceRt): void {
  if (!inst.up || inst.group < 0) return;
  const g = st.groups[inst.group];
  // A hung process commits nothing; it catches up on the first tick after it wakes.
  if (inst.frozenUntilUs <= cx.nowUs) {
    for (const p of inst.owned) {
      if (g.localDone[p] > g.committed[p]) sendCommit(st, cx, g, p, inst, g.localDone[p]);
    }
  }
  cx.after(g.commitEveryUs, Task.commitTick, inst.index, 0, 0);
}

export function startCommitTicks(st: State, cx: Ctx, inst: InstanceRt): void {
  if (inst.group < 0) return;
  const g = st.groups[inst.group];
  if (g.commitEveryUs > 0) cx.after(g.commitEveryUs, Task.commitTick, inst.index, 0, 0);
}

/** Without replay, records every group has committed can never be read again: free them. */
function trim(st: State, cx: Ctx, log: LogRt, p: number): void {
  if (log.replayable || log.groups.length === 0) return;
  let min = Infinity;
  for (const g of log.groups) min = Math.min(min, g.committed[p]);
  while (log.base[p] < min && log.records[p].length > 0) dropHead(st, cx, log, p, false);
}

/**
 * Removes the partition's oldest record. `expired` (retention, a transient broker's crash): the
 * groups that had not processed it lose their copy.
 */
export function dropHead(st: State, cx: Ctx, log: LogRt, p: number, expired: boolean): void {
  const s = log.records[p].popFront();
  const offset = log.base[p]++;
  st.logHeld--;
  if (expired) for (const g of log.groups) loseFor(st, cx, g, p, s, offset);
  release(st, cx, s);
}

/** The offset the group is processing on this partition right now, or -1. */
export function inFlightOffset(g: GroupRt, p: number): number {
  return g.inflightToken[p] !== 0 ? g.position[p] - 1 : -1;
}

/**
 * A record the group never read is gone. Records deleted behind one still being processed move
 * the watermark only once that one finishes (it is not lost: it is being processed).
 */
export function loseFor(
  st: State,
  cx: Ctx,
  g: GroupRt,
  p: number,
  s: number,
  offset: number,
): void {
  const busy = inFlightOffset(g, p);
  if (offset === busy || offset < g.processedUpTo[p]) return;
  const q = st.queues[g.target];
  st.gauges.touchQueue(q, cx.nowUs);
  if (busy >= g.processedUpTo[p] && busy < offset)
    g.lostUpTo[p] = Math.max(g.lostUpTo[p], offset + 1);
  else g.processedUpTo[p] = offset + 1;
  if (g.position[p] < offset + 1) g.position[p] = offset + 1;
  q.unacked--;
  st.logLag--;
  cx.emitOutcome(Ev.lost, s, g.target, 0);
}

function armRetention(st: State, cx: Ctx, log: LogRt): void {
  if (log.retentionUs === 0 || log.retentionArmed) return;
  const oldest = oldestRetained(st, log);
  if (oldest < 0) return;
  log.retentionArmed = true;
  const dueUs = st.msgs.enqueueUs[oldest] + log.retentionUs;
  cx.at(Math.max(dueUs, cx.nowUs), Task.logRetention, log.index, 0, 0);
}

/** The oldest retained record (slot), skipping entries trimmed since; −1 if none. */
function oldestRetained(st: State, log: LogRt): number {
  const parts = log.appendedPart;
  const offsets = log.appendedOffset;
  while (parts.length > 0) {
    const p = parts.peekFront();
    const offset = offsets.peekFront();
    if (offset >= log.base[p]) return log.recordAt(p, offset);
    parts.popFront(); // freed by commits already
    offsets.popFront();
  }
  return -1;
}

/** Retention deletes old records, oldest first, whether or not every group has read them. */
export function retention(st: State, cx: Ctx, log: LogRt): void {
  log.retentionArmed = false;
  const now = cx.nowUs;
  for (;;) {
    const s = oldestRetained(st, log);
    if (s < 0 || st.msgs.enqueueUs[s] + log.retentionUs > now) break;
    const p = log.appendedPart.popFront();
    log.appendedOffset.popFront();
    dropHead(st, cx, log, p, true);
  }
  armRetention(st, cx, log);
  checkDrained(st, cx);
}
