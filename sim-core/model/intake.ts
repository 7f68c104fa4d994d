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
import { hopArrival, inlineHop, lostConfirm } from './network';

/**
 * A message reaches the broker for a channel. An infinitely fast broker takes it now; a node
 * with finite capacity queues the work first (served: arriveAtBroker once done).
 */
export function reachBroker(st: State, cx: Ctx, s: number, channel: number): void {
  const cl = st.cluster;
  if (!cl.finite || !st.brokerUp || st.directChannel[channel])
    return arriveAtBroker(st, cx, s, channel, st.brokerCrashes);
  const m = st.msgs;
  const doneUs = cl.serve(entryNode(st, s, channel), cx.nowUs, copiesOf(st, s, channel), m.size[s]);
  if (doneUs === cx.nowUs) arriveAtBroker(st, cx, s, channel, st.brokerCrashes);
  else cx.at(doneUs, Task.served, s, channel, st.brokerCrashes);
}

/** How many copies the broker writes for a publish of s to this channel (at least the read). */
function copiesOf(st: State, s: number, channel: number): number {
  if (st.logByChannel[channel] !== undefined) return 1;
  if (!st.routedChannel[channel]) return Math.max(1, st.topo.channelTargets[channel].length);
  const route = st.router!.route(channel, st.msgs.label[s]);
  return Math.max(1, route.queues.length + route.logs.length);
}

/**
 * The node that takes a publish of s to this channel and writes all its copies: the leader of
 * the channel (of the key's partition, for a log; of the first destination, for an exchange).
 */
export function entryNode(st: State, s: number, channel: number): number {
  const cl = st.cluster;
  const log = st.logByChannel[channel];
  if (log !== undefined) return cl.partitionNode(channel, log.peekPartition(st.msgs.key[s]));
  if (!st.routedChannel[channel]) return cl.channelNode[channel];
  const route = st.router!.route(channel, st.msgs.label[s]);
  if (route.queues.length > 0) return cl.channelNode[st.topo.queues[route.queues[0]].channel];
  if (route.logs.length > 0) {
    const l = st.logs[route.logs[0]];
    return cl.partitionNode(l.channel, l.peekPartition(st.msgs.key[s]));
  }
  return cl.channelNode[channel];
}

/**
 * The broker takes a message for a channel: fan out to its queues, or refuse it. `epoch` is the
 * broker's crash count when its node took it: work a crash interrupted is lost with it.
 */
export function arriveAtBroker(
  st: State,
  cx: Ctx,
  s: number,
  channel: number,
  epoch: number,
): void {
  const m = st.msgs;
  const up = st.brokerUp && epoch === st.brokerCrashes;
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
    cl.nodes[entryNode(st, s, channel)].durableAt(cx.nowUs, cl.fsyncUs);
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
  if (!up) {
    // The connection is down: no confirm comes back, and the producer's timeout decides.
    cx.emit(Ev.rejected, s, -1, 0);
    release(st, cx, s);
    return retire(st, cx, p, rec);
  }
  const targets = queueTargets(st, channel, m.label[s]);
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
  // A durable write is confirmed once an fsync covers it (group commit).
  const cl = st.cluster;
  const node = entryNode(st, s, channel);
  const confirmUs = cl.fsyncUs < 0 ? now : cl.nodes[node].durableAt(now, cl.fsyncUs);
  release(st, cx, s);
  sendConfirm(st, cx, p, rec, !refused, confirmUs);
  retire(st, cx, p, rec);
}

/** Sends a confirm (or a nack) to p at `sendUs` (now, or when an fsync made the write durable). */
function sendConfirm(
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
  if (now === cx.nowUs && inlineHop(st, now, p.partitionUntilUs))
    cx.run(Task.confirmAtProducer, p.index, ok ? 1 : 0, seq);
  else {
    p.confirmLinkUs = hopArrival(st, now, p.confirmLinkUs, p.rngConfirmNet, p.partitionUntilUs);
    cx.at(p.confirmLinkUs, Task.confirmAtProducer, p.index, ok ? 1 : 0, seq);
  }
}
