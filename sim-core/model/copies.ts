// A message slot's life and a copy's outcome. The engine owns each copy's outcome and announces
// it once, when it is final: processed at its first completed processing; a fate (dead-lettered,
// expired, dropped, lost) when nothing can process the copy any more. A fate the broker deals
// while a consumer still holds a delivery of the copy stays tentative: that holder may still
// process it, or let go and make the fate final (announced as `settled`).

import { BudgetExceededError } from '../kernel/errors';
import { Ev } from './events';
import type { EventKind } from './events';
import type { Ctx } from './context';
import type { State } from './state';

/** How a copy leaves for good without being processed. */
export type Fate = typeof Ev.deadLettered | typeof Ev.expired | typeof Ev.dropped | typeof Ev.lost;

/** A fresh message slot with its identity and timing. */
export function newMessage(
  st: State,
  cx: Ctx,
  sender: number,
  seq: number,
  key: number,
  size: number,
  publishUs: number,
  originUs: number,
  /** Routing label (router.ts); 0 without exchanges. */
  label: number,
  priority: number,
): number {
  const m = st.msgs;
  if (m.live >= st.maxHeld) overHeld(st, cx);
  const s = m.alloc();
  m.producer[s] = sender;
  m.seq[s] = seq;
  m.key[s] = key;
  m.size[s] = size;
  m.publishUs[s] = publishUs;
  m.originUs[s] = originUs;
  m.label[s] = label;
  m.priority[s] = priority;
  if (m.delayUs !== null) m.delayUs[s] = 0; // the publisher sets its own
  return s;
}

/** A further slot for the same message (a copy for another queue, or a dead-lettered copy). */
export function cloneMessage(st: State, from: number): number {
  const m = st.msgs;
  const s = m.alloc();
  m.copyIdentity(from, s);
  return s;
}

/** Drops one reference to a slot; a drained run may end when the last one goes. */
export function release(st: State, cx: Ctx, s: number): void {
  const m = st.msgs;
  if (cx.checking && m.refs[s] <= 0) throw cx.invariant(`message slot ${s} released twice`);
  if (m.release(s)) checkDrained(st, cx);
}

/** Drained: producers done, nothing in flight, every log group caught up. */
export function checkDrained(st: State, cx: Ctx): void {
  if (
    st.drainMode &&
    st.activeProducers === 0 &&
    st.pendingPublishes === 0 &&
    st.pendingRequests === 0 &&
    st.msgs.live === st.logHeld &&
    st.logLag === 0
  )
    cx.halt();
}

function overHeld(st: State, cx: Ctx): never {
  throw new BudgetExceededError(
    'maxMessagesHeld',
    `${st.maxHeld} messages`,
    `${st.msgs.live} messages were held at simulated time ${cx.nowUs / 1000} ms (is a queue growing without bound?)`,
  );
}

/** A physical instance of a copy (or a delivery of it) starts to hold the copy. */
export function holdCopy(st: State, s: number): void {
  st.msgs.alive[st.msgs.copyOf[s]]++;
}

/**
 * The broker deals physical instance s a fate: announced as final if nothing else holds the
 * copy, else tentative until the last holder processes it or lets go. Call after the broker's
 * own hold on s is released (see letGo).
 */
export function dealFate(
  st: State,
  cx: Ctx,
  s: number,
  fate: Fate,
  where: number,
  /** The fate event's aux (a dead letter's DeadLetterCause). */
  aux = 0,
): void {
  const m = st.msgs;
  const owner = m.copyOf[s];
  m.alive[owner]--;
  if (cx.checking && m.alive[owner] < 0) throw cx.invariant(`copy of slot ${s} has no holder`);
  if (m.outcome[owner] !== 0) return cx.emit(fate, s, where, aux);
  if (m.alive[owner] === 0) {
    m.outcome[owner] = fate;
    return cx.emitOutcome(fate, s, where, aux);
  }
  if (m.tentative[owner] === 0) m.tentative[owner] = fate;
  cx.emit(fate, s, where, aux);
}

/**
 * A holder of the copy lets go of s without a fate of its own: an acked instance, a finished or
 * dropped delivery, a retired publish record. If it was the last holder of an undecided copy,
 * the copy's tentative fate becomes final.
 */
export function letGo(st: State, cx: Ctx, s: number): void {
  const m = st.msgs;
  const owner = m.copyOf[s];
  m.alive[owner]--;
  if (cx.checking && m.alive[owner] < 0) throw cx.invariant(`copy of slot ${s} has no holder`);
  if (m.alive[owner] !== 0 || m.outcome[owner] !== 0) return;
  const tentative = m.tentative[owner] as Fate | 0;
  // Every way a holder lets go without a fate (an ack, a retired record) follows a processing
  // or a fate of the copy, so an undecided copy without a tentative fate is a bug.
  if (tentative === 0) throw cx.invariant(`slot ${s}: the copy's last holder let go undecided`);
  m.outcome[owner] = tentative;
  cx.emitOutcome(Ev.settled, s, m.queue[s], tentative);
}

/** The copy's first completed processing decides its outcome. */
export function decideProcessed(st: State, s: number): void {
  const m = st.msgs;
  m.outcome[m.copyOf[s]] = Ev.processed satisfies EventKind;
}
