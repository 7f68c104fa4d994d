// Replication between broker nodes. A quorum queue takes a message once a majority of its
// replicas have written it (each follower one replication hop away, with its own work and
// fsync). A replicated log partition's followers receive each record one hop after the leader
// wrote it; the record is committed (visible to groups, confirmed for acks=all) once every
// in-sync replica has it. Followers that are down or cut off are out of sync and get nothing.

import { Task } from './tasks';
import type { Ctx } from './context';
import { Cluster } from './cluster';
import type { QueuePlacement } from './cluster';
import type { LogRt } from './log-state';
import type { State } from './state';

/** Scratch for the replicas' acknowledgement times (at most 64 nodes). */
const ACKS = new Float64Array(64);

/**
 * When a quorum queue's leader, having written a message at `writeUs`, has a majority of its
 * replicas' acknowledgements: its own durable write and each reachable follower's (a hop there,
 * its work and fsync, a hop back). Commits keep the order of the writes (a Raft log).
 */
export function quorumCommitUs(
  st: State,
  q: QueuePlacement,
  writeUs: number,
  bytes: number,
): number {
  const cl = st.cluster;
  let n = 0;
  ACKS[n++] = cl.durableOn(q.leader, writeUs);
  for (const k of q.replicas) {
    if (k === q.leader || !cl.nodes[k].reachable(writeUs)) continue;
    ACKS[n++] = followerAckUs(st, k, writeUs, bytes);
  }
  const need = Cluster.majority(q.replicas.length);
  // n ≥ need: a leader without a majority of reachable replicas has stepped down.
  const acks = ACKS.subarray(0, n).sort();
  const commitUs = Math.max(acks[Math.min(need, n) - 1], q.lastCommitUs);
  q.lastCommitUs = commitUs;
  return commitUs;
}

/** A follower on node k gets a write made at writeUs: when its acknowledgement is back. */
function followerAckUs(st: State, k: number, writeUs: number, bytes: number): number {
  const cl = st.cluster;
  const arriveUs = writeUs + cl.replicationHop.sampleUs(cl.rngReplication);
  const doneUs = cl.finite ? cl.serve(k, arriveUs, 1, bytes) : arriveUs;
  return cl.durableOn(k, doneUs) + cl.replicationHop.sampleUs(cl.rngReplication);
}

/** In-sync replicas of partition p, the leader included. */
export function inSyncReplicas(log: LogRt, p: number): number {
  let n = 0;
  for (let r = 0; r < log.rf; r++) n += log.inSync[p * log.rf + r];
  return n;
}

/** Whether log record s is committed (below its partition's high watermark). */
export function committed(st: State, log: LogRt, s: number): boolean {
  return st.msgs.enqueueOrder[s] < log.visibleEnd(st.msgs.queue[s]);
}

/**
 * The leader of partition p wrote the record at `offset` at writeUs: send it to each in-sync
 * follower and schedule its commit, when the last of them has acknowledged it (each follower's
 * records arrive in order). A log without replicas commits at the leader's write.
 */
export function replicateRecord(
  st: State,
  cx: Ctx,
  log: LogRt,
  p: number,
  offset: number,
  bytes: number,
): void {
  const cl = st.cluster;
  const now = cx.nowUs;
  const leader = log.leader[p];
  let commitUs = cl.durableOn(leader, now);
  for (let r = 0; r < log.rf; r++) {
    const i = p * log.rf + r;
    const k = log.replicaNode[i];
    if (k === leader || log.inSync[i] === 0) continue;
    const arriveUs = Math.max(
      log.lastArrivalUs[i],
      now + cl.replicationHop.sampleUs(cl.rngReplication),
    );
    const doneUs = cl.finite ? cl.serve(k, arriveUs, 1, bytes) : arriveUs;
    const durableUs = cl.durableOn(k, doneUs);
    log.lastArrivalUs[i] = durableUs;
    log.arrivals[i].pushBack(durableUs);
    const ackUs = durableUs + cl.replicationHop.sampleUs(cl.rngReplication);
    if (ackUs > commitUs) commitUs = ackUs;
  }
  // The high watermark only moves forward: a record is committed after the ones before it.
  if (commitUs < log.lastCommitUs[p]) commitUs = log.lastCommitUs[p];
  log.lastCommitUs[p] = commitUs;
  cx.at(commitUs, Task.logCommit, log.index * 65536 + p, offset, log.leaderEpoch[p]);
}

/** Moves each in-sync follower's known log end past the records it has by nowUs. */
export function catchUp(log: LogRt, p: number, nowUs: number): void {
  for (let r = 0; r < log.rf; r++) catchUpReplica(log, p * log.rf + r, nowUs);
}

/** Moves replica i's known log end past the records it has by nowUs. */
export function catchUpReplica(log: LogRt, i: number, nowUs: number): void {
  const a = log.arrivals[i];
  while (a.length > 0 && a.peekFront() <= nowUs) {
    a.popFront();
    log.replicaEnd[i]++;
  }
}
