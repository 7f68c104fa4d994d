// The broker's front door: a message arriving for a channel goes to the producer's pending
// publish (confirms), a log, or a copy per bound queue; a queue accepts it, drops its head, or
// refuses it (overflow); a direct channel hands it straight to an instance (a synchronous call).

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import { copyAux, MsgFlag, MsgState } from './messages';
import type { PendingPublish, ProducerRt, QueueRt } from './entities';
import type { State } from './state';
import { cloneMessage, holdCopy, release } from './copies';
import { armTtl, endCopy } from './fates';
import { dispatch } from './dispatch';
import { appendToLog } from './log-delivery';
import { linkSlot } from './slot-lists';
import { retire } from './pending-publish';
import { accepted, outOfOrder } from './ordering';
import { hopArrival, inlineHop, lostConfirm } from './network';
import { committed, inSyncReplicas, quorumCommitUs } from './replication';
import type { LogRt } from './log-state';

/**
 * A message reaches the broker for a channel. An infinitely fast single broker takes it now; a
 * node with finite capacity queues the work first, and a quorum queue takes it once a majority
 * of its replicas have it (served: arriveAtBroker then, if the node has not crashed since).
 */
export function reachBroker(st: State, cx: Ctx, s: number, channel: number): void {
  const cl = st.cluster;
  if (!st.brokerUp || st.directChannel[channel] || (!cl.finite && !cl.multiNode))
    return arriveAtBroker(st, cx, s, channel, -1);
  const m = st.msgs;
  const now = cx.nowUs;
  const k = entryNode(st, s, channel);
  const batched = (m.flags[s] & MsgFlag.batchFollower) !== 0;
  let doneUs = cl.finite ? cl.serve(k, now, copiesOf(st, s, channel), m.size[s], batched) : now;
  const q = entryQueue(st, s, channel);
  if (q >= 0 && st.queues[q].leaderUp && cl.queues[q]!.quorum)
    doneUs = quorumCommitUs(st, cl.queues[q]!, doneUs, m.size[s]);
  const served = cl.nodes[k].epoch * 64 + k;
  if (doneUs === now) arriveAtBroker(st, cx, s, channel, served);
  else cx.at(doneUs, Task.served, s, channel, served);
}

/** How many copies the broker writes for a publish of s to this channel (at least the read). */
function copiesOf(st: State, s: number, channel: number): number {
  if (st.logByChannel[channel] !== undefined) return 1;
  if (!st.routedChannel[channel]) return Math.max(1, st.topo.channelTargets[channel].length);
  const route = st.router!.route(channel, st.msgs.label[s]);
  return Math.max(1, route.queues.length + route.logs.length);
}

/** The first broker queue a publish of s to this channel reaches, or −1 (a log, nothing). */
function entryQueue(st: State, s: number, channel: number): number {
  if (!st.routedChannel[channel]) {
    const targets = st.topo.channelTargets[channel];
    return targets.length > 0 ? targets[0] : -1;
  }
  const route = st.router!.route(channel, st.msgs.label[s]);
  return route.queues.length > 0 ? route.queues[0] : -1;
}

/**
 * The node that takes a publish of s to this channel and writes all its copies: the leader of
 * its first destination (the key's partition, for a log).
 */
export function entryNode(st: State, s: number, channel: number): number {
  const cl = st.cluster;
  const key = st.msgs.key[s];
  const log = st.logByChannel[channel];
  if (log !== undefined) return log.leader[log.peekPartition(key)];
  const q = entryQueue(st, s, channel);
  if (q >= 0) return cl.queues[q]!.leader;
  if (st.routedChannel[channel]) {
    const route = st.router!.route(channel, st.msgs.label[s]);
    if (route.logs.length > 0) {
      const l = st.logs[route.logs[0]];
      return l.leader[l.peekPartition(key)];
    }
  }
  return cl.channelNode[channel];
}

/**
 * The broker takes a message for a channel: fan out to its queues, or refuse it. `served` names
 * the node that did the work and its crash count then (epoch × 64 + node; −1: none did): work a
 * crash interrupted is lost with it.
 */
export function arriveAtBroker(
  st: State,
  cx: Ctx,
  s: number,
  channel: number,
  served: number,
): void {
  const m = st.msgs;
  const up = st.brokerUp && (served < 0 || servedStill(st, served, cx.nowUs));
  const sender = m.producer[s];
  if (sender < st.producers.length && st.producers[sender].tracked) {
    const p = st.producers[sender];
    const rec = (m.flags[s] & MsgFlag.secondary) === 0 ? p.pending.get(m.seq[s]) : undefined;
    if (rec !== undefined) return arriveTracked(st, cx, p, rec, s, channel, up);
  }
  if (!up && !st.directChannel[channel]) {
    cx.emit(Ev.rejected, s, -1, 0);
    release(st, cx, s);
    return;
  }
  const cl = st.cluster;
  if (cl.fsyncUs >= 0 && !st.directChannel[channel])
    cl.durableOn(entryNode(st, s, channel), cx.nowUs);
  if (st.routedChannel[channel]) return arriveRouted(st, cx, s, channel);
  const log = st.logByChannel[channel];
  if (log !== undefined) return appendToLog(st, cx, log, s);
  const targets = st.topo.channelTargets[channel];
  if (targets.length === 0) {
    cx.emit(Ev.unroutable, s, channel, 0);
    release(st, cx, s);
    return;
  }
  for (let i = 1; i < targets.length; i++)
    enqueue(st, cx, st.queues[targets[i]], cloneMessage(st, s), copyAux(m, s));
  enqueue(st, cx, st.queues[targets[0]], s, copyAux(m, s));
}

/** Whether the node that did a publish's work has not crashed (nor been cut off) since. */
function servedStill(st: State, served: number, nowUs: number): boolean {
  const node = st.cluster.nodes[served % 64];
  return node.epoch === Math.floor(served / 64) && node.reachable(nowUs);
}

/** The internal queues a publish of this label to this channel reaches (logs aside). */
export function queueTargets(st: State, channel: number, label: number): ArrayLike<number> {
  return st.routedChannel[channel]
    ? st.router!.route(channel, label).queues
    : st.topo.channelTargets[channel];
}

/** A publish to an exchange or a filtered topic: a copy per matching queue and log, once each. */
function arriveRouted(st: State, cx: Ctx, s: number, channel: number): void {
  const m = st.msgs;
  const route = st.router!.route(channel, m.label[s]);
  const copies = route.queues.length + route.logs.length;
  if (copies === 0) {
    cx.emit(Ev.unroutable, s, channel, 0);
    release(st, cx, s);
    return;
  }
  if (st.exchangeChannel[channel]) cx.emit(Ev.routed, s, channel, copies);
  const aux = copyAux(m, s);
  // The original slot goes to the last destination; every other one gets a clone.
  for (let i = 0; i < route.logs.length; i++) {
    const last = i === route.logs.length - 1 && route.queues.length === 0;
    appendToLog(st, cx, st.logs[route.logs[i]], last ? s : cloneMessage(st, s));
  }
  for (let i = 0; i < route.queues.length; i++) {
    const last = i === route.queues.length - 1;
    enqueue(st, cx, st.queues[route.queues[i]], last ? s : cloneMessage(st, s), aux);
  }
}

/**
 * Accepts a copy into a queue; false if the queue refused it (reject-publish overflow). `aux` is
 * the enqueued event's: 0 a new copy, 1 a further instance of an accepted one, 2 a dead letter.
 */
function enqueue(st: State, cx: Ctx, q: QueueRt, s: number, aux: number): boolean {
  const m = st.msgs;
  const now = cx.nowUs;
  if (!q.leaderUp) {
    // Its leader's node is down or cut off (and no other has been elected yet).
    cx.emit(Ev.rejected, s, q.index, 0);
    release(st, cx, s);
    return false;
  }
  if (q.ready.length >= q.maxLength) {
    if (q.rejectOnOverflow) {
      cx.emit(Ev.rejected, s, q.index, 0);
      release(st, cx, s);
      return false;
    }
    st.gauges.touchQueue(q, now);
    endCopy(st, cx, q, q.ready.popFront(), Ev.dropped);
  }
  m.queue[s] = q.index;
  const delayUs = m.delayUs === null ? 0 : m.delayUs[s];
  if (delayUs > 0 && q.directTimeoutUs < 0) return park(st, cx, q, s, aux, delayUs);
  m.state[s] = MsgState.ready;
  m.enqueueUs[s] = now;
  m.enqueueOrder[s] = q.enqueueOrder++;
  st.gauges.touchQueue(q, now);
  q.ready.pushBack(s);
  st.gauges.settleQueue(q);
  if (q.directTimeoutUs >= 0) return call(st, cx, q, s);
  holdCopy(st, s);
  cx.emit(Ev.enqueued, s, q.index, aux);
  armTtl(st, cx, q);
  dispatch(st, cx, q);
  return true;
}

/**
 * A delayed message: a copy of the queue from now (counted enqueued), ready only once its delay
 * is over (fates.ts, readyAfterDelay); its queue TTL counts from then.
 */
function park(st: State, cx: Ctx, q: QueueRt, s: number, aux: number, delayUs: number): boolean {
  const m = st.msgs;
  m.delayUs![s] = 0; // a later requeue waits only for the retry delay
  m.state[s] = MsgState.delayed;
  linkSlot(m, q.delayed, s);
  const token = ++st.tokenSeq;
  m.token[s] = token;
  holdCopy(st, s);
  cx.emit(Ev.enqueued, s, q.index, aux);
  cx.after(delayUs, Task.retryReady, s, 0, token);
  return true;
}

/**
 * A synchronous call on a direct channel: it waits (state transit: not yet a copy) for a free
 * instance at most the channel's timeout, then fails as rejected; with timeout 0 it fails at once.
 */
function call(st: State, cx: Ctx, q: QueueRt, s: number): boolean {
  st.msgs.state[s] = MsgState.transit;
  dispatch(st, cx, q);
  if (st.msgs.state[s] !== MsgState.transit) return true;
  if (q.directTimeoutUs === 0) {
    q.ready.popBack();
    endCopy(st, cx, q, s, Ev.lost); // a call still in transit: rejected, not a copy
    return false;
  }
  armTtl(st, cx, q);
  return true;
}

/**
 * A publish attempt of a message awaiting its confirm. A copy the broker already accepted from
 * an earlier attempt is dropped when the producer is idempotent (or within the queue's dedup
 * window); otherwise it is accepted again: a further physical instance of the same copy.
 */
function arriveTracked(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  rec: PendingPublish,
  s: number,
  channel: number,
  up: boolean,
): void {
  const m = st.msgs;
  const now = cx.nowUs;
  rec.inFlight--;
  const log = st.logByChannel[channel];
  if (up && log !== undefined) return arriveTrackedLog(st, cx, p, rec, s, log);
  if (!up) {
    // The connection is down: no confirm comes back, and the producer's timeout decides.
    cx.emit(Ev.rejected, s, -1, 0);
    release(st, cx, s);
    return retire(st, cx, p, rec);
  }
  const targets = queueTargets(st, channel, m.label[s]);
  if (outOfOrder(p, rec) && rec.owners.every((o) => o < 0))
    return refuseOutOfOrder(st, cx, p, rec, s);
  if (targets.length === 0) cx.emit(Ev.unroutable, s, channel, 0);
  else if (st.exchangeChannel[channel]) cx.emit(Ev.routed, s, channel, targets.length);
  let refused = false;
  for (let i = 0; i < targets.length; i++) {
    const q = st.queues[targets[i]];
    const owner = rec.owners[i];
    if (owner >= 0) {
      const window = q.dedupWindowUs;
      if (p.idempotent || (window >= 0 && now - rec.acceptUs[i] <= window)) {
        cx.emit(Ev.deduplicated, s, q.index, 0);
        continue;
      }
      const dup = cloneMessage(st, s);
      m.copyOf[dup] = owner;
      m.refs[owner]++;
      enqueue(st, cx, q, dup, 1);
      continue;
    }
    const copy = cloneMessage(st, s);
    // Held by the pending publish, so a retry can still find the copy; and while a retry may
    // still add an instance of it, the copy's outcome stays open (taken before the enqueue,
    // which may deliver and lose it inline).
    m.refs[copy]++;
    holdCopy(st, copy);
    if (enqueue(st, cx, q, copy, 0)) {
      rec.owners[i] = copy;
      rec.acceptUs[i] = now;
    } else {
      refused = true;
      m.alive[copy]--; // never accepted: it never was a copy
      release(st, cx, copy);
    }
  }
  if (p.ordered && rec.owners.some((o) => o >= 0)) accepted(p, rec);
  // A durable write is confirmed once an fsync covers it (group commit); a quorum queue's
  // commit already waited for a majority's.
  const cl = st.cluster;
  const first = targets.length > 0 ? cl.queues[targets[0]] : null;
  const confirmUs = first?.quorum ? now : cl.durableOn(entryNode(st, s, channel), now);
  release(st, cx, s);
  sendConfirm(st, cx, p, rec, !refused, confirmUs);
  retire(st, cx, p, rec);
}

/**
 * A confirmed publish to a log. The partition's leader refuses it when it has no leader, or for
 * acks=all when fewer than minInsyncReplicas are in sync (a nack: the producer retries). An
 * idempotent producer's retry of a record the log still holds is dropped. acks=1 confirms once
 * the leader has written it; acks=all once it is committed (replication.ts).
 */
function arriveTrackedLog(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  rec: PendingPublish,
  s: number,
  log: LogRt,
): void {
  const m = st.msgs;
  const part = log.peekPartition(m.key[s]);
  if (!log.leaderUp[part] || (p.acksAll && inSyncReplicas(log, part) < log.minInsync)) {
    cx.emit(Ev.rejected, s, -1, 0);
    release(st, cx, s);
    sendConfirm(st, cx, p, rec, false, cx.nowUs);
    return retire(st, cx, p, rec);
  }
  const owner = rec.owners[0];
  const held = owner >= 0 && (m.flags[owner] & MsgFlag.brokerLost) === 0;
  if (!held && outOfOrder(p, rec)) return refuseOutOfOrder(st, cx, p, rec, s);
  if (held) {
    // Only an idempotent producer retries (support.ts): the log holds the record already.
    cx.emit(Ev.deduplicated, s, -1, 0);
    release(st, cx, s);
    if (!p.acksAll || committed(st, log, owner)) sendConfirm(st, cx, p, rec, true, cx.nowUs);
    return retire(st, cx, p, rec);
  }
  if (owner >= 0) release(st, cx, owner); // a lost record: the retry is a new one
  rec.owners[0] = s;
  m.refs[s]++; // held by the pending publish, so a retry can find it
  appendToLog(st, cx, log, s);
  if (p.ordered) accepted(p, rec);
  if (!p.acksAll)
    sendConfirm(st, cx, p, rec, true, st.cluster.durableOn(log.leader[part], cx.nowUs));
  retire(st, cx, p, rec);
}

/** An idempotent producer's publish that overtook an earlier one of its key: nacked. */
function refuseOutOfOrder(st: State, cx: Ctx, p: ProducerRt, rec: PendingPublish, s: number): void {
  cx.emit(Ev.rejected, s, -1, 0);
  release(st, cx, s);
  sendConfirm(st, cx, p, rec, false, cx.nowUs);
  retire(st, cx, p, rec);
}

/** Sends a confirm (or a nack) to p at `sendUs` (now, or when an fsync made the write durable). */
export function sendConfirm(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  rec: PendingPublish,
  ok: boolean,
  sendUs: number,
): void {
  const seq = rec.seq;
  if (lostConfirm(st, p)) return;
  // The producer will hear of it: its accepted copies are acknowledged writes from now on.
  if (ok)
    for (const owner of rec.owners) if (owner >= 0) st.msgs.flags[owner] |= MsgFlag.acknowledged;
  const now = sendUs;
  if (now === cx.nowUs && inlineHop(st.hopPublish, now, p.partitionUntilUs))
    cx.run(Task.confirmAtProducer, p.index, ok ? 1 : 0, seq);
  else {
    p.confirmLinkUs = hopArrival(
      st.hopPublish,
      now,
      p.confirmLinkUs,
      p.rngConfirmNet,
      p.partitionUntilUs,
    );
    cx.at(p.confirmLinkUs, Task.confirmAtProducer, p.index, ok ? 1 : 0, seq);
  }
}
