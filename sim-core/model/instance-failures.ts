// Consumer instance failures: random crash chains, the broker's detection of a dead connection
// (heartbeat or session timeout), restarts and reconnects. A connection's token voids every
// delivery and ack of an older connection; a crash chain's epoch voids crashes of an older chain.

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import type { InstanceRt } from './entities';
import type { State } from './state';
import { dropBuffer, dropInProgress } from './consumers';
import { takeUnacked } from './acks';
import { endCopy, requeueOrDeadLetter } from './fates';
import { dispatch, offerCredit } from './dispatch';
import { rebalance } from './log-groups';
import { startCommitTicks } from './log-delivery';
import { toBrokerArrival } from './network';

export function scheduleRandomCrash(cx: Ctx, inst: InstanceRt): void {
  if (inst.crashGap === null) return;
  const gapUs = inst.crashGap.sampleUs(inst.rngCrashes);
  cx.after(gapUs, Task.crash, inst.index, ++inst.crashEpoch, inst.crashRestartUs);
}

/**
 * The process dies: its buffer and in-progress work are gone. Its socket closes with it, so the
 * broker learns of it when the close arrives (one hop); a log group waits for its session timeout.
 */
export function crashInstance(st: State, cx: Ctx, inst: InstanceRt, restartUs: number): void {
  if (!inst.up) return;
  const now = cx.nowUs;
  inst.up = false;
  inst.running = false;
  inst.frozenUntilUs = 0;
  inst.killToken = st.tokenSeq;
  inst.connToken = st.tokenSeq;
  cx.emitPlain(Ev.crashed, inst.index, 0, inst.consumer);
  dropBuffer(st, cx, inst);
  st.gauges.touchInstance(inst, now);
  dropInProgress(st, cx, inst);
  const detectUs =
    inst.group >= 0 ? now + detectionDelay(st, inst) : toBrokerArrival(st, now, inst);
  cx.at(detectUs, Task.detect, inst.index, 0, inst.connEpoch);
  // Simplification: the restarted process reconnects once the broker has noticed the old connection is gone.
  if (restartUs >= 0) cx.at(Math.max(now + restartUs, detectUs), Task.restart, inst.index, 0, 0);
}

/** How long until the broker gives up on a silent (frozen, cut-off) instance: heartbeat, or a log group's session timeout. */
export function detectionDelay(st: State, inst: InstanceRt): number {
  return inst.group >= 0 ? st.groups[inst.group].sessionTimeoutUs : inst.heartbeatUs;
}

/**
 * The broker notices a dead connection (its close arrived, or heartbeats were missed since the
 * instance fell silent): every unacked delivery on it comes back (flagged redelivered on its next
 * delivery). Ignored if the connection was renewed since, or already given up on (a partition,
 * then a crash, of one silence).
 */
export function detectDeadConnection(
  st: State,
  cx: Ctx,
  inst: InstanceRt,
  epochAtFailure: number,
): void {
  if (inst.connEpoch !== epochAtFailure || !inst.connected) return;
  const now = cx.nowUs;
  if (inst.up && inst.partitionUntilUs <= now && inst.frozenUntilUs <= now) return; // it spoke again in time
  inst.connected = false;
  if (inst.group >= 0) return rebalance(st, cx, st.groups[inst.group]);
  if (inst.queue < 0) return;
  const q = st.queues[inst.queue];
  for (const s of takeUnacked(st, cx, q, inst)) {
    // No broker holds a direct call: it fails with its instance.
    if (q.directTimeoutUs >= 0) endCopy(st, cx, q, s, Ev.lost);
    else requeueOrDeadLetter(st, cx, q, s, false);
  }
  dispatch(st, cx, q);
}

export function restartInstance(st: State, cx: Ctx, inst: InstanceRt): void {
  if (inst.up) return;
  inst.up = true;
  inst.running = true;
  cx.emitPlain(Ev.recovered, inst.index, 0, inst.consumer);
  reconnect(st, cx, inst);
  scheduleRandomCrash(cx, inst);
  startCommitTicks(st, cx, inst);
}

/**
 * A fresh connection with full credit; deliveries on the old one are void. `quiet`: only open
 * it, and let the caller dispatch once every instance is connected (a broker restart), so no
 * delivery goes out on a connection that is about to be replaced.
 */
export function reconnect(st: State, cx: Ctx, inst: InstanceRt, quiet = false): void {
  inst.connected = true;
  inst.connToken = st.tokenSeq;
  inst.connEpoch++;
  inst.withheld = 0;
  if (inst.group >= 0) {
    if (!quiet) rebalance(st, cx, st.groups[inst.group]);
    return;
  }
  inst.credit = inst.autoAck ? Infinity : inst.prefetch;
  offerCredit(st, inst);
  if (!quiet && inst.queue >= 0) dispatch(st, cx, st.queues[inst.queue]);
}
