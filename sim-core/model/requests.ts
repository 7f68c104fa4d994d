// Request–reply (contract v2 §1): a producer with `request: {timeout}` waits for a reply to each
// message it sends. The consumer that processes a copy replies through the broker (the
// producer's reply queue: one hop to the broker, one on to the producer); over a direct channel
// the reply retraces the call's two hops, with no broker involved. The producer settles each
// request once: replied in time, timed out (and then perhaps replied late), or, for a direct
// call, failed. Any further reply (a duplicate processing, a second subscriber) is dropped, as a
// caller that matches correlation ids drops replies it no longer waits for.

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import type { InstanceRt, ProducerRt } from './entities';
import type { State } from './state';
import { hopArrival, inlineHop, isDirect, toBrokerArrival } from './network';
import { LATE, REPLIED } from './request-book';
import { checkDrained } from './copies';

/** A request leaves the producer: its timeout starts now. */
export function openRequest(st: State, cx: Ctx, p: ProducerRt, seq: number): void {
  const book = p.requests!;
  st.pendingRequests++;
  book.open(seq, cx.nowUs);
  cx.after(book.timeoutUs, Task.replyTimeout, p.index, seq, 0);
}

/** After a processing's side effect: reply if the message is a request. */
export function sendReply(st: State, cx: Ctx, s: number, inst: InstanceRt): void {
  const sender = st.msgs.producer[s];
  if (sender >= st.producers.length) return; // an emitted message: never a request
  const p = st.producers[sender];
  if (p.requests === null) return;
  const seq = st.msgs.seq[s];
  const now = cx.nowUs;
  const direct = isDirect(st, inst) ? 1 : 0;
  if (inlineHop(st.hopAck, now, inst.partitionUntilUs))
    cx.run(Task.replyAtBroker, p.index, seq, direct);
  else cx.at(toBrokerArrival(st, now, inst), Task.replyAtBroker, p.index, seq, direct);
}

/**
 * The broker routes a reply to the producer's reply queue, which hands it on at once (or a
 * direct call's reply passes its channel on the way back).
 */
export function replyAtBroker(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  seq: number,
  direct: boolean,
): void {
  // A reply reaching a crashed broker dies with its connection: the request will time out.
  if (!st.brokerUp && !direct) return;
  const now = cx.nowUs;
  if (inlineHop(st.hopDeliver, now, p.partitionUntilUs)) return replyAtProducer(st, cx, p, seq);
  p.replyLinkUs = hopArrival(st.hopDeliver, now, p.replyLinkUs, p.rngReplyNet, p.partitionUntilUs);
  cx.at(p.replyLinkUs, Task.replyAtProducer, p.index, seq, 0);
}

export function replyAtProducer(st: State, cx: Ctx, p: ProducerRt, seq: number): void {
  const book = p.requests!;
  const outcome = book.reply(seq);
  if (outcome === LATE) return cx.emitReply(Ev.lateReply, p.index, seq, book.sentAt(seq));
  if (outcome !== REPLIED) return;
  cx.emitReply(Ev.replied, p.index, seq, book.sentAt(seq));
  settled(st, cx);
}

export function replyTimeout(st: State, cx: Ctx, p: ProducerRt, seq: number): void {
  const book = p.requests!;
  if (!book.timeOut(seq)) return;
  cx.emitReply(Ev.replyTimedOut, p.index, seq, book.sentAt(seq));
  settled(st, cx);
}

/**
 * A direct call failed (no free server in time, or its server died): the caller sees the error
 * at once, so a request settles as failed instead of waiting for its timeout.
 */
export function failDirectCall(st: State, cx: Ctx, s: number): void {
  const sender = st.msgs.producer[s];
  if (sender >= st.producers.length) return;
  const p = st.producers[sender];
  const seq = st.msgs.seq[s];
  if (p.requests === null || !p.requests.fail(seq)) return;
  cx.emitReply(Ev.requestFailed, p.index, seq, p.requests.sentAt(seq));
  settled(st, cx);
}

/** A request is settled: a drained run may be over (a reply still due later is not waited for). */
function settled(st: State, cx: Ctx): void {
  st.pendingRequests--;
  checkDrained(st, cx);
}
