// Dispatch from a broker queue: ready messages go round-robin to connected instances that have
// prefetch credit (an instance is in its queue's credit ring at most once), FIFO groups allowing.

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import { MsgState } from './messages';
import type { InstanceRt, QueueRt } from './entities';
import type { State } from './state';
import { holdGroup } from './fifo-groups';
import { linkSlot } from './slot-lists';
import { holdCopy, letGo } from './copies';
import { armTtl, endCopy, expiryUs, makeReady, readyAfterDelay, retryIsCurrent } from './fates';
import { hopArrival, inlineHop } from './network';
import { copyAux } from './messages';

/** Puts an instance with credit back in its queue's round-robin, once. */
export function offerCredit(st: State, inst: InstanceRt): void {
  if (!inst.inRing && inst.connected && inst.credit > 0 && inst.queue >= 0) {
    inst.inRing = true;
    st.queues[inst.queue].credit.pushBack(inst.index);
  }
}

/** Hands ready messages to connected instances with credit, round-robin. */
export function dispatch(st: State, cx: Ctx, q: QueueRt): void {
  if (!q.leaderUp) return; // the broker, or the queue's leader node, is down
  while (q.ready.length > 0 && q.credit.length > 0) {
    const inst = st.instances[q.credit.popFront()];
    inst.inRing = false;
    if (!inst.connected || inst.credit <= 0) continue;
    let s: number;
    if (q.grouped !== null) {
      s = q.grouped.takeFree();
      if (s < 0) {
        offerCredit(st, inst); // every waiting message's group is busy: wait for an ack
        break;
      }
    } else s = q.ready.popFront();
    if (q.expiring && expiryUs(st, q, s) <= cx.nowUs) {
      st.gauges.touchQueue(q, cx.nowUs);
      endCopy(st, cx, q, s, Ev.expired);
      offerCredit(st, inst);
      continue;
    }
    deliver(st, cx, q, s, inst);
  }
  // A new head may expire although the old one could not (messages with and without a ttl).
  if (q.expiring) armTtl(st, cx, q);
}

function deliver(st: State, cx: Ctx, q: QueueRt, s: number, inst: InstanceRt): void {
  const m = st.msgs;
  const now = cx.nowUs;
  // A direct call counts as a copy once an instance takes it (a call that finds none fails).
  if (q.directTimeoutUs >= 0) {
    holdCopy(st, s);
    cx.emit(Ev.enqueued, s, q.index, copyAux(m, s));
  }
  if (!inst.autoAck) holdGroup(m, q, s, true);
  const token = ++st.tokenSeq;
  const n = ++m.deliveries[s];
  m.token[s] = token;
  m.inst[s] = inst.index;
  st.gauges.touchQueue(q, now);
  holdCopy(st, s); // the delivery, until the consumer finishes or drops it
  if (inst.autoAck) {
    // noAck: the broker forgets the message as it sends it; its reference moves to the delivery.
    m.state[s] = MsgState.gone;
    offerCredit(st, inst);
    cx.emit(Ev.delivered, s, inst.index, n);
    cx.emit(Ev.acked, s, q.index, 0);
    letGo(st, cx, s);
  } else {
    q.unacked++;
    m.state[s] = MsgState.unacked;
    m.refs[s]++;
    linkSlot(m, inst.unacked, s);
    inst.credit--;
    offerCredit(st, inst);
    if (q.ackTimeoutUs > 0) armDeadline(cx, q, s, token, now + q.ackTimeoutUs);
    cx.emit(Ev.delivered, s, inst.index, n);
  }
  if (inlineHop(st.hopDeliver, now, inst.partitionUntilUs))
    cx.run(Task.atConsumer, s, inst.index, token);
  else {
    inst.linkToConsumerUs = hopArrival(
      st.hopDeliver,
      now,
      inst.linkToConsumerUs,
      inst.rngBrokerNet,
      inst.partitionUntilUs,
    );
    cx.at(inst.linkToConsumerUs, Task.atConsumer, s, inst.index, token);
  }
}

export function armDeadline(
  cx: Ctx,
  q: QueueRt,
  s: number,
  token: number,
  deadlineUs: number,
): void {
  q.timeouts.push(deadlineUs, s, token);
  if (!q.timerArmed) {
    q.timerArmed = true;
    cx.at(deadlineUs, Task.ackDeadline, q.index, 0, 0);
  }
}

/** A retry delay is over: the message is ready again, unless something else became of it. */
export function retryReady(st: State, cx: Ctx, s: number, token: number): void {
  if (!retryIsCurrent(st, s, token)) return;
  const q = st.queues[st.msgs.queue[s]];
  // Never delivered: the end of a publish delay, not a retry.
  if (st.msgs.deliveries[s] === 0) readyAfterDelay(st, cx, q, s);
  else makeReady(st, cx, q, s);
  dispatch(st, cx, q);
}
