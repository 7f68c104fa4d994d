// Broker failures: a chain of random crashes (a restart starts a new chain, voiding the old one),
// crash and restart. A durable broker keeps what it had accepted; a transient one loses it all.

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import type { State } from './state';
import type { InstanceRt, QueueRt } from './entities';
import { MsgFlag } from './messages';
import { slotsOldestFirst } from './slot-lists';
import { dropBuffer } from './consumers';
import { rearmDeadline, takeUnacked } from './acks';
import { armTtl, endCopy, makeReady } from './fates';
import { dispatch } from './dispatch';
import { reconnect } from './instance-failures';
import { isDirect } from './network';
import { logsBrokerCrashed, rebalance } from './log-groups';

export function scheduleBrokerCrash(st: State, cx: Ctx): void {
  if (st.brokerCrashGap === null) return;
  const gapUs = st.brokerCrashGap.sampleUs(st.brokerRng);
  cx.after(gapUs, Task.brokerCrash, 0, ++st.brokerCrashEpoch, st.brokerRestartUs);
}

/**
 * The broker goes down: every connection drops. A durable broker keeps what it had accepted
 * (unacked messages become ready again); a transient one loses every message it held.
 */
export function crashBroker(st: State, cx: Ctx, restartUs: number): void {
  if (!st.brokerUp) return;
  const now = cx.nowUs;
  st.brokerUp = false;
  for (const node of st.cluster.nodes) {
    node.crash(now, st.warmupUs);
    node.down = true;
  }
  for (let ci = 0; ci < st.scenario.channels.length; ci++) st.cluster.leaderLost(ci, now);
  cx.emitPlain(Ev.crashed, -1, 0, -1);
  for (const inst of st.instances) {
    if (isDirect(st, inst)) continue; // a direct call's instance has no broker connection
    dropConnection(st, cx, inst);
  }
  const durable = st.durable;
  for (const q of st.queues) {
    if (q.directTimeoutUs >= 0) continue;
    q.leaderUp = false;
    settleQueueInCrash(st, cx, q, !durable);
  }
  for (const log of st.logs) log.leaderUp.fill(0);
  logsBrokerCrashed(st, cx, durable);
  if (restartUs >= 0) cx.after(restartUs, Task.brokerRestart, 0, 0, 0);
}

/** The broker drops an instance's connection: what it had prefetched goes, its acks are void. */
export function dropConnection(st: State, cx: Ctx, inst: InstanceRt): void {
  inst.connected = false;
  inst.connToken = st.tokenSeq;
  if (inst.up) dropBuffer(st, cx, inst);
}

/**
 * A queue's leader went down: its unacked deliveries become ready again, or, when `lossy` (a
 * transient broker's classic queue), it loses them and everything else it held.
 */
export function settleQueueInCrash(st: State, cx: Ctx, q: QueueRt, lossy: boolean): void {
  for (const i of q.instances) {
    for (const s of takeUnacked(st, cx, q, st.instances[i])) {
      if (lossy) loseInCrash(st, cx, q, s);
      else makeReady(st, cx, q, s);
    }
  }
  if (!lossy) return;
  st.gauges.touchQueue(q, cx.nowUs);
  while (q.ready.length > 0) loseInCrash(st, cx, q, q.ready.popFront());
  // Messages waiting out a retry delay are held by the broker too (in the order they started
  // waiting).
  for (const s of slotsOldestFirst(st.msgs, q.delayed)) loseInCrash(st, cx, q, s);
}

/** A transient broker's crash loses a copy it held: the broker's own loss (a lost write if confirmed). */
function loseInCrash(st: State, cx: Ctx, q: QueueRt, s: number): void {
  st.msgs.flags[st.msgs.copyOf[s]] |= MsgFlag.brokerLost;
  endCopy(st, cx, q, s, Ev.lost);
}

export function restartBroker(st: State, cx: Ctx): void {
  if (st.brokerUp) return;
  st.brokerUp = true;
  for (const node of st.cluster.nodes) {
    node.down = false;
    node.cutOffUntilUs = 0;
  }
  for (const q of st.queues) q.leaderUp = true;
  for (const log of st.logs) log.leaderUp.fill(1);
  for (let ci = 0; ci < st.scenario.channels.length; ci++) st.cluster.leaderBack(ci, cx.nowUs);
  cx.emitPlain(Ev.recovered, -1, 0, -1);
  for (const inst of st.instances)
    if (inst.up && !isDirect(st, inst)) reconnect(st, cx, inst, true);
  for (const g of st.groups) rebalance(st, cx, g);
  for (const q of st.queues) {
    armTtl(st, cx, q);
    rearmDeadline(cx, q);
    dispatch(st, cx, q);
  }
  scheduleBrokerCrash(st, cx);
}
