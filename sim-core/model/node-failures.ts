// Failures of one broker node: a crash (restarting later, or never) or a network partition that
// cuts it off from the other nodes and from clients. Queues and partitions it leads lose their
// leader: a classic queue waits for its node; a quorum queue and a replicated partition elect a
// new leader after `electionTimeout` if enough replicas remain (a majority; an in-sync replica).
// A partition's new leader has only what it had received: the records beyond are lost. With
// `uncleanLeaderElection`, a partition with no in-sync replica left elects the out-of-sync one
// with the longest log rather than wait, and loses what that replica never got, committed and
// confirmed records too. A whole-broker crash (every node) is broker-failures.ts.

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import { MsgFlag } from './messages';
import type { State } from './state';
import type { LogRt } from './log-state';
import { Cluster } from './cluster';
import type { QueuePlacement } from './cluster';
import { rearmDeadline } from './acks';
import { armTtl } from './fates';
import { dispatch } from './dispatch';
import { reconnect } from './instance-failures';
import { isDirect } from './network';
import { dropConnection, settleQueueInCrash } from './broker-failures';
import { catchUp, catchUpReplica } from './replication';
import { abandonInFlight, copyDecided, inFlightOffset, kick } from './log-delivery';
import { release } from './copies';
import { unaccepted } from './ordering';

/** Node k crashes; it restarts after restartUs (−1: never). */
export function crashNode(st: State, cx: Ctx, k: number, restartUs: number): void {
  const node = st.cluster.nodes[k];
  if (node.down || !st.brokerUp) return;
  node.crash(cx.nowUs, st.warmupUs);
  node.down = true;
  cx.emitPlain(Ev.crashed, -1, k + 1, -1);
  nodeLost(st, cx, k, !st.durable);
  if (restartUs >= 0) cx.after(restartUs, Task.nodeRestart, k, 0, 0);
}

/** Node k is cut off for forUs: as if down, but it keeps everything it held. */
export function cutOffNode(st: State, cx: Ctx, k: number, forUs: number): void {
  const node = st.cluster.nodes[k];
  const until = cx.nowUs + forUs;
  if (until <= node.cutOffUntilUs) return;
  const wasReachable = node.reachable(cx.nowUs);
  node.cutOffUntilUs = until;
  node.epoch++; // what it was working on cannot reach anyone
  if (wasReachable && !node.down && st.brokerUp) nodeLost(st, cx, k, false);
  cx.at(until, Task.nodeRestart, k, 1, 0);
}

/** Node k restarts (or, healed: its partition is over), and rejoins its queues and partitions. */
export function restartNode(st: State, cx: Ctx, k: number, healed: boolean): void {
  const node = st.cluster.nodes[k];
  const now = cx.nowUs;
  if (healed ? node.cutOffUntilUs > now : !node.down) return;
  if (!healed) {
    node.down = false;
    cx.emitPlain(Ev.recovered, -1, k + 1, -1);
  }
  if (!node.reachable(now) || !st.brokerUp) return;
  const cl = st.cluster;
  cl.queues.forEach((pl, qi) => {
    if (pl === null || st.queues[qi].leaderUp || !pl.replicas.includes(k)) return;
    if (!pl.quorum) queueUp(st, cx, qi, k);
    else scheduleElection(st, cx, pl, qi);
  });
  for (const log of st.logs) {
    for (let p = 0; p < log.partitions; p++) {
      for (let r = 0; r < log.rf; r++) {
        const i = p * log.rf + r;
        if (log.replicaNode[i] !== k) continue;
        if (log.leaderUp[p] === 1) rejoin(log, p, i, now);
        else if (log.rf === 1) electPartition(st, cx, log, p);
        else if (log.inSync[i] === 1 || log.unclean) schedulePartitionElection(st, cx, log, p);
      }
    }
  }
}

/** What node k's loss does to the queues and partitions that have a replica on it. */
function nodeLost(st: State, cx: Ctx, k: number, lossy: boolean): void {
  const cl = st.cluster;
  cl.queues.forEach((pl, qi) => {
    if (pl === null || !st.queues[qi].leaderUp || !pl.replicas.includes(k)) return;
    if (pl.leader === k) {
      queueDown(st, cx, qi, lossy && !pl.quorum); // a quorum queue's followers hold it all
      if (pl.quorum) scheduleElection(st, cx, pl, qi);
    } else if (reachableReplicas(st, pl, cx.nowUs) < Cluster.majority(pl.replicas.length))
      queueDown(st, cx, qi, false); // the leader lost its quorum: it can commit nothing
  });
  for (const log of st.logs) {
    for (let p = 0; p < log.partitions; p++) {
      if (log.leaderUp[p] === 0) continue;
      for (let r = 0; r < log.rf; r++) {
        const i = p * log.rf + r;
        if (log.replicaNode[i] !== k) continue;
        if (log.leader[p] === k) {
          partitionDown(st, cx, log, p, i);
          if (log.rf > 1) schedulePartitionElection(st, cx, log, p);
        } else {
          // A follower that is gone falls out of sync, with what it has by now.
          catchUpReplica(log, i, cx.nowUs);
          log.inSync[i] = 0;
          log.arrivals[i].clear();
        }
      }
    }
  }
}

function reachableReplicas(st: State, pl: QueuePlacement, nowUs: number): number {
  let n = 0;
  for (const k of pl.replicas) if (st.cluster.nodes[k].reachable(nowUs)) n++;
  return n;
}

/** The queue loses its leader: its consumers' connections to it drop; deliveries come back. */
function queueDown(st: State, cx: Ctx, qi: number, lossy: boolean): void {
  const q = st.queues[qi];
  q.leaderUp = false;
  st.cluster.leaderLost(st.cluster.queues[qi]!.channel, cx.nowUs);
  for (const i of q.instances) {
    const inst = st.instances[i];
    if (inst.connected && !isDirect(st, inst)) dropConnection(st, cx, inst);
  }
  settleQueueInCrash(st, cx, q, lossy);
}

/** The queue has a leader on node k again: its consumers reconnect and deliveries resume. */
function queueUp(st: State, cx: Ctx, qi: number, k: number): void {
  const q = st.queues[qi];
  const pl = st.cluster.queues[qi]!;
  pl.leader = k;
  q.leaderUp = true;
  if (channelHasLeaders(st, pl.channel)) st.cluster.leaderBack(pl.channel, cx.nowUs);
  for (const i of q.instances) {
    const inst = st.instances[i];
    if (inst.up && !inst.connected) reconnect(st, cx, inst, true);
  }
  armTtl(st, cx, q);
  rearmDeadline(cx, q);
  dispatch(st, cx, q);
}

function scheduleElection(st: State, cx: Ctx, pl: QueuePlacement, qi: number): void {
  if (pl.electing) return;
  pl.electing = true;
  cx.after(st.cluster.electionTimeoutUs, Task.election, qi, 0, 0);
}

function schedulePartitionElection(st: State, cx: Ctx, log: LogRt, p: number): void {
  if (log.electing[p] === 1) return;
  log.electing[p] = 1;
  cx.after(st.cluster.electionTimeoutUs, Task.election, log.index, p, 1);
}

/** An election is due: a quorum queue (kind 0) or a log partition (kind 1). */
export function election(st: State, cx: Ctx, index: number, p: number, kind: number): void {
  if (kind === 1) {
    const log = st.logs[index];
    log.electing[p] = 0;
    return electPartition(st, cx, log, p);
  }
  const pl = st.cluster.queues[index]!;
  pl.electing = false;
  if (st.queues[index].leaderUp || !st.brokerUp) return;
  if (reachableReplicas(st, pl, cx.nowUs) < Cluster.majority(pl.replicas.length)) return; // waits for a node
  const leader = pl.replicas.find((k) => st.cluster.nodes[k].reachable(cx.nowUs))!;
  queueUp(st, cx, index, leader);
}

/** Partition p loses its leader (replica i): what each follower has by now is all it has. */
function partitionDown(st: State, cx: Ctx, log: LogRt, p: number, i: number): void {
  log.leaderUp[p] = 0;
  log.leaderEpoch[p]++; // the dead leader's commits still on their way are void
  st.cluster.leaderLost(log.channel, cx.nowUs);
  if (log.rf === 1) return;
  catchUp(log, p, cx.nowUs);
  for (let r = 0; r < log.rf; r++) log.arrivals[p * log.rf + r].clear(); // lost on the way
  log.replicaEnd[i] = log.end[p];
}

/**
 * Partition p elects the first reachable in-sync replica. Records it does not have are lost
 * (never committed: they were beyond the high watermark). Without one it waits, unless unclean
 * elections are allowed: then the reachable replica with the longest log leads, and what it
 * lacks is lost, committed records too.
 */
function electPartition(st: State, cx: Ctx, log: LogRt, p: number): void {
  if (log.leaderUp[p] === 1 || !st.brokerUp) return;
  const now = cx.nowUs;
  let chosen = -1;
  for (let r = 0; r < log.rf && chosen < 0; r++) {
    const i = p * log.rf + r;
    if (log.inSync[i] === 1 && st.cluster.nodes[log.replicaNode[i]].reachable(now)) chosen = i;
  }
  if (chosen < 0 && log.unclean) chosen = longestReachableReplica(st, log, p, now);
  if (chosen < 0) return;
  const node = log.replicaNode[chosen];
  const end = log.rf === 1 || node === log.leader[p] ? log.end[p] : log.replicaEnd[chosen];
  truncate(st, cx, log, p, end);
  log.leader[p] = node;
  log.leaderUp[p] = 1;
  log.lastCommitUs[p] = now;
  // Every reachable replica follows the new leader (catching up is not modelled).
  for (let r = 0; r < log.rf; r++) {
    const i = p * log.rf + r;
    if (st.cluster.nodes[log.replicaNode[i]].reachable(now)) rejoin(log, p, i, now);
    else log.inSync[i] = 0;
  }
  if (channelHasLeaders(st, log.channel)) st.cluster.leaderBack(log.channel, now);
  // All the new leader has is committed (after an unclean election, less than was before).
  if (log.rf > 1) log.hw[p] = log.end[p];
  // Fetches stopped while it had no leader: each group resumes (whatever was committed before).
  for (const g of log.groups) kick(st, cx, g, p);
}

/** Replica i follows partition p's leader again, caught up (catching up is not modelled). */
function rejoin(log: LogRt, p: number, i: number, nowUs: number): void {
  log.inSync[i] = 1;
  log.replicaEnd[i] = log.end[p];
  if (log.arrivals.length > 0) log.arrivals[i].clear();
  log.lastArrivalUs[i] = nowUs;
}

function longestReachableReplica(st: State, log: LogRt, p: number, nowUs: number): number {
  let chosen = -1;
  for (let r = 0; r < log.rf; r++) {
    const i = p * log.rf + r;
    if (!st.cluster.nodes[log.replicaNode[i]].reachable(nowUs)) continue;
    if (chosen < 0 || log.replicaEnd[i] > log.replicaEnd[chosen]) chosen = i;
  }
  return chosen;
}

/**
 * Drops partition p's records from `end` on: each group's copy of them that it had not
 * processed is lost. Beyond the high watermark (a clean election) no group has read them; below
 * it (an unclean one) a group may have: then its offsets go back to `end`, as a Kafka consumer's
 * out-of-range fetch resets to the log end, and a record it is processing finishes as a
 * processing again (its copy lost now: that record is no longer in the log).
 */
function truncate(st: State, cx: Ctx, log: LogRt, p: number, end: number): void {
  const m = st.msgs;
  for (const g of log.groups) {
    const busy = inFlightOffset(g, p);
    if (busy >= end) abandonInFlight(st, cx, g, p);
  }
  while (log.end[p] > end && log.records[p].length > 0) {
    const offset = log.end[p] - 1;
    const s = log.recordAt(p, offset);
    log.records[p].popBack();
    log.end[p]--;
    st.logHeld--;
    m.flags[s] |= MsgFlag.brokerLost;
    for (const g of log.groups) {
      if (copyDecided(g, p, offset)) continue;
      const q = st.queues[g.target];
      st.gauges.touchQueue(q, cx.nowUs);
      q.unacked--;
      st.logLag--;
      cx.emitOutcome(Ev.lost, s, g.target, 0);
    }
    m.enqueueOrder[s] = -1; // no longer in the log: a delivery of it still out decides nothing
    reopenOrder(st, s);
    release(st, cx, s);
  }
  if (log.end[p] > end) log.end[p] = end; // below base: those were processed and freed
  if (log.base[p] > end) log.base[p] = end;
  for (const g of log.groups) {
    g.position[p] = Math.min(g.position[p], end);
    g.processedUpTo[p] = Math.min(g.processedUpTo[p], end);
    g.committed[p] = Math.min(g.committed[p], end);
    g.localDone[p] = Math.min(g.localDone[p], end);
    g.lostUpTo[p] = Math.min(g.lostUpTo[p], end);
    g.fetchedUpTo[p] = Math.min(g.fetchedUpTo[p], end);
  }
}

/** A truncated record of an unconfirmed ordered publish: its key's later ones wait for it again. */
function reopenOrder(st: State, s: number): void {
  const sender = st.msgs.producer[s];
  if (sender >= st.producers.length) return;
  const p = st.producers[sender];
  const rec = p.ordered ? p.pending.get(st.msgs.seq[s]) : undefined;
  if (rec !== undefined && !rec.done && rec.owners[0] === s) unaccepted(p, rec);
}

/** Whether every queue and partition of channel ci has a leader. */
function channelHasLeaders(st: State, ci: number): boolean {
  const log = st.logByChannel[ci];
  if (log !== undefined) return log.leaderUp.every((x) => x === 1);
  return st.topo.channelTargets[ci].every((q) => st.queues[q].leaderUp);
}
