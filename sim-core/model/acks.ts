// Settling deliveries of a broker queue: acks and nacks from consumers, ack deadlines, and the
// unacked deliveries of a dead connection. Settling returns credit only to the connection that
// received the delivery, and never twice (a delivery's token identifies it).

import { DeadLetterCause, Ev } from './events';
import { Task } from './tasks';
import type { TaskKind } from './tasks';
import type { Ctx } from './context';
import { MsgState } from './messages';
import type { InstanceRt, QueueRt } from './entities';
import type { State } from './state';
import { holdGroup } from './fifo-groups';
import { slotsOldestFirst, unlinkSlot } from './slot-lists';
import { letGo, release } from './copies';
import { endCopy, requeueOrDeadLetter } from './fates';
import { dispatch, offerCredit } from './dispatch';

/**
 * Removes an unacked delivery from the broker's books. A live connection gets its prefetch
 * credit back, unless `withhold`: the consumer still holds a timed-out delivery, and its credit
 * returns only when that delivery's (late) ack arrives, so prefetch keeps bounding its buffer.
 */
export function settleDelivery(st: State, cx: Ctx, q: QueueRt, s: number, withhold = false): void {
  const m = st.msgs;
  const inst = st.instances[m.inst[s]];
  st.gauges.touchQueue(q, cx.nowUs);
  q.unacked--;
  unlinkSlot(m, inst.unacked, s);
  if (!inst.autoAck) holdGroup(m, q, s, false);
  if (inst.autoAck || !inst.connected || m.token[s] <= inst.connToken) return;
  if (withhold) inst.withheld++;
  else {
    inst.credit++;
    offerCredit(st, inst);
  }
  if (cx.checking && inst.up) checkCredit(st, cx, inst);
}

/**
 * Credit bookkeeping of a live process's live connection: credit + withheld + unacked on it =
 * prefetch. (Between a crash and its detection the broker still delivers to the dead process,
 * on books that the reconnect resets.)
 */
function checkCredit(st: State, cx: Ctx, inst: InstanceRt): void {
  let unacked = 0;
  for (let s = inst.unacked.head; s >= 0; s = st.msgs.next[s])
    if (st.msgs.token[s] > inst.connToken) unacked++;
  if (inst.credit + inst.withheld + unacked !== inst.prefetch)
    throw cx.invariant(
      `${inst.name}: credit ${inst.credit} + withheld ${inst.withheld} + unacked ${unacked} ≠ prefetch ${inst.prefetch}`,
    );
}

/** Settles every unacked delivery of an instance and returns them oldest first (requeue order). */
export function takeUnacked(st: State, cx: Ctx, q: QueueRt, inst: InstanceRt): number[] {
  const out = slotsOldestFirst(st.msgs, inst.unacked);
  for (const s of out) settleDelivery(st, cx, q, s);
  return out;
}

/** Whether an instance still holds (buffered or processing) the delivery with this token. */
function holds(inst: InstanceRt, token: number): boolean {
  for (let k = 0; k < inst.concurrency; k++)
    if (inst.procSlot[k] >= 0 && Math.abs(inst.procToken[k]) === token) return true; // < 0: stalled
  for (let i = 0; i < inst.bufferTokens.length; i++)
    if (inst.bufferTokens.at(i) === token) return true;
  return false;
}

export function ackAtBroker(
  st: State,
  cx: Ctx,
  s: number,
  inst: InstanceRt,
  token: number,
  /** Task.ackAtBroker, nackAtBroker (requeue: a failed processing) or rejectAtBroker. */
  settle: TaskKind,
): void {
  const m = st.msgs;
  // An ack to a queue without a leader is void (a direct call's line always has one: its reply
  // does not pass the broker, so no crash voids it).
  if (!st.queues[inst.queue].leaderUp) return;
  if (m.state[s] !== MsgState.unacked || m.token[s] !== token) {
    // A late ack of a timed-out delivery: the message moved on, but the credit comes back.
    if (inst.withheld > 0 && inst.connected) {
      inst.withheld--;
      inst.credit++;
      offerCredit(st, inst);
      dispatch(st, cx, st.queues[inst.queue]);
    }
    return;
  }
  const q = st.queues[m.queue[s]];
  settleDelivery(st, cx, q, s);
  if (settle !== Task.ackAtBroker) {
    cx.emit(Ev.nacked, s, q.index, 0);
    // A failed synchronous call returns an error to its caller: nothing retries it.
    if (q.directTimeoutUs >= 0) endCopy(st, cx, q, s, Ev.lost);
    else if (settle === Task.rejectAtBroker)
      endCopy(st, cx, q, s, Ev.deadLettered, DeadLetterCause.rejected);
    else requeueOrDeadLetter(st, cx, q, s);
  } else {
    m.state[s] = MsgState.gone;
    cx.emit(Ev.acked, s, q.index, 0);
    letGo(st, cx, s);
    release(st, cx, s);
  }
  dispatch(st, cx, q);
}

/** Times out every overdue delivery, skips settled ones, and re-arms for the next live one. */
export function ackDeadline(st: State, cx: Ctx, q: QueueRt): void {
  const m = st.msgs;
  const f = q.timeouts;
  const now = cx.nowUs;
  q.timerArmed = false;
  if (!q.leaderUp) return; // re-armed when the queue has a leader again
  while (f.length > 0) {
    const s = f.headSlot();
    const live = m.state[s] === MsgState.unacked && m.token[s] === f.headToken();
    if (live && f.headDeadline() > now) break;
    f.shift();
    if (live) {
      const inst = st.instances[m.inst[s]];
      settleDelivery(st, cx, q, s, holds(inst, m.token[s]));
      cx.emit(Ev.timedOut, s, q.index, 0);
      requeueOrDeadLetter(st, cx, q, s);
    }
  }
  rearmDeadline(cx, q);
  dispatch(st, cx, q);
}

export function rearmDeadline(cx: Ctx, q: QueueRt): void {
  if (q.timerArmed || q.timeouts.length === 0) return;
  q.timerArmed = true;
  // The head may be overdue already (the broker was down): time it out now, then.
  cx.at(Math.max(q.timeouts.headDeadline(), cx.nowUs), Task.ackDeadline, q.index, 0, 0);
}
