// What becomes of a broker queue's copy that was not acked: back to ready (at once or after the
// retry delay), or out for good (dead-lettered, expired, dropped, lost), moving on to the
// dead-letter channel when there is one; and TTL expiry at the head of the queue.

import { DeadLetterCause, Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import { MsgFlag, MsgState } from './messages';
import type { QueueRt } from './entities';
import type { State } from './state';
import { holdGroup } from './fifo-groups';
import { linkSlot, unlinkSlot } from './slot-lists';
import { cloneMessage, dealFate, release } from './copies';
import type { Fate } from './copies';
import { failDirectCall } from './requests';

/**
 * A settled, unsuccessful delivery: redeliver, or dead-letter once maxDeliveries is reached.
 * The retry delay applies to nacks and timeouts, not to deliveries returned by a dead connection.
 */
export function requeueOrDeadLetter(st: State, cx: Ctx, q: QueueRt, s: number, delay = true): void {
  if (st.msgs.deliveries[s] >= q.maxDeliveries)
    endCopy(st, cx, q, s, Ev.deadLettered, DeadLetterCause.deliveryLimit);
  else if (delay) requeue(st, cx, q, s);
  else makeReady(st, cx, q, s);
}

/** Returns a settled delivery to the ready queue, after the retry delay if there is one. */
function requeue(st: State, cx: Ctx, q: QueueRt, s: number): void {
  const m = st.msgs;
  let delayUs = q.retryDelay.sampleUs(q.rngRetry);
  // A requeue is broker work too: a zero-latency reject loop takes time instead of none.
  const cl = st.cluster;
  if (cl.finite) {
    const node = cl.channelNode[st.topo.queues[q.index].channel];
    delayUs += cl.serve(node, cx.nowUs, 1, m.size[s]) - cx.nowUs;
  }
  if (delayUs > 0) {
    m.state[s] = MsgState.delayed;
    linkSlot(m, q.delayed, s);
    holdGroup(m, q, s, true); // SQS FIFO: a group waits for its failed message
    cx.after(delayUs, Task.retryReady, s, 0, m.token[s]);
    return;
  }
  makeReady(st, cx, q, s);
}

/** Whether slot s is still the delayed message this retry was for. */
export function retryIsCurrent(st: State, s: number, token: number): boolean {
  return st.msgs.state[s] === MsgState.delayed && st.msgs.token[s] === token;
}

/** A delayed message's delay is over: it joins the back of the queue as if it arrived now. */
export function readyAfterDelay(st: State, cx: Ctx, q: QueueRt, s: number): void {
  const m = st.msgs;
  const now = cx.nowUs;
  st.gauges.touchQueue(q, now);
  unlinkSlot(m, q.delayed, s);
  m.state[s] = MsgState.ready;
  m.enqueueUs[s] = now;
  m.enqueueOrder[s] = q.enqueueOrder++;
  q.ready.pushBack(s);
  st.gauges.settleQueue(q);
  armTtl(st, cx, q);
}

export function makeReady(st: State, cx: Ctx, q: QueueRt, s: number): void {
  const m = st.msgs;
  st.gauges.touchQueue(q, cx.nowUs);
  if (m.state[s] === MsgState.delayed) {
    unlinkSlot(m, q.delayed, s);
    holdGroup(m, q, s, false);
  }
  m.state[s] = MsgState.ready;
  if (q.requeueToBack) q.ready.pushBack(s);
  else {
    const order = m.enqueueOrder[s];
    q.ready.insertOrdered(s, (other) => m.enqueueOrder[other] > order);
  }
  st.gauges.settleQueue(q);
  cx.emit(Ev.requeued, s, q.index, 0);
  armTtl(st, cx, q);
}

/**
 * A copy leaves its queue for good (dead-lettered, expired, dropped or lost). Dead-lettered,
 * expired and dropped copies move on to the dead-letter channel when there is one. `aux` is the
 * fate event's (a dead letter's DeadLetterCause).
 */
export function endCopy(st: State, cx: Ctx, q: QueueRt, s: number, fate: Fate, aux = 0): void {
  const m = st.msgs;
  if (q.directTimeoutUs >= 0 && st.requests) failDirectCall(st, cx, s);
  if (q.directTimeoutUs >= 0 && m.state[s] === MsgState.transit) {
    cx.emit(Ev.rejected, s, q.index, 0); // a call that found no instance in time: not a copy
    release(st, cx, s);
    return;
  }
  if (m.state[s] === MsgState.delayed) {
    unlinkSlot(m, q.delayed, s);
    holdGroup(m, q, s, false);
  }
  m.state[s] = MsgState.gone;
  m.flags[s] |= MsgFlag.ended;
  dealFate(st, cx, s, fate, q.index, aux);
  if (fate !== Ev.lost && q.deadLetterChannel >= 0) {
    const d = cloneMessage(st, s);
    m.flags[d] |= MsgFlag.secondary;
    // x-dead-letter-routing-key: the dead letter is routed by the new key, keeping its headers.
    if (q.deadLetterKey !== null && st.router !== null)
      m.label[d] = st.router.intern(q.deadLetterKey, st.router.labels[m.label[s]].headers);
    cx.run(Task.atBroker, d, q.deadLetterChannel, 0);
  }
  release(st, cx, s);
}

/**
 * When ready message s expires in q: the queue's ttl from its enqueue, or its own ttl from its
 * publish, whichever comes first. A dead letter has no message ttl (RabbitMQ removes it).
 */
export function expiryUs(st: State, q: QueueRt, s: number): number {
  const m = st.msgs;
  const byQueue = q.ttlUs > 0 ? m.enqueueUs[s] + q.ttlUs : Infinity;
  if ((m.flags[s] & MsgFlag.secondary) !== 0) return byQueue;
  const byMessage = m.publishUs[s] + st.senderTtlUs[m.producer[s]];
  return byMessage < byQueue ? byMessage : byQueue;
}

export function armTtl(st: State, cx: Ctx, q: QueueRt): void {
  if (!q.expiring || q.ttlArmed || q.ready.length === 0) return;
  const dueUs = expiryUs(st, q, q.ready.peekFront());
  if (dueUs === Infinity) return; // the head never expires: it shields those behind it
  q.ttlArmed = true;
  // The head may be overdue already (the broker was down): check it now, then.
  cx.at(Math.max(dueUs, cx.nowUs), Task.ttlCheck, q.index, 0, 0);
}

/** Expires ready messages at the head of the queue (as RabbitMQ does), then re-arms. */
export function ttlCheck(st: State, cx: Ctx, q: QueueRt): void {
  q.ttlArmed = false;
  if (!q.leaderUp) return; // re-armed when the queue has a leader again
  const now = cx.nowUs;
  while (q.ready.length > 0 && expiryUs(st, q, q.ready.peekFront()) <= now) {
    st.gauges.touchQueue(q, now);
    endCopy(st, cx, q, q.ready.popFront(), Ev.expired);
  }
  armTtl(st, cx, q);
}
