// Consumer instances: deliveries arrive into a local buffer, start while a server is free, and
// finish with a side effect (or a failure), onward emits and an ack. A delivery whose process or
// connection died on the way is dropped: the copy is lost only if nothing else still holds it.

import { messageUniform } from '../hash';
import { Ev } from './events';
import { Task } from './tasks';
import type { TaskKind } from './tasks';
import type { Ctx } from './context';
import { MsgFlag, MsgState } from './messages';
import type { InstanceRt } from './entities';
import type { State } from './state';
import { dealFate, decideProcessed, letGo, release } from './copies';
import { fetchEnded, finishRecord, logDeliveryDropped, pumpMember } from './log-delivery';
import { sideEffect } from './side-effects';
import { inlineHop, lostAck, toBrokerArrival } from './network';

export function arriveAtConsumer(
  st: State,
  cx: Ctx,
  s: number,
  inst: InstanceRt,
  token: number,
): void {
  if (!inst.running || token <= inst.connToken) {
    // A hung process does not read its socket: the delivery waits there until it thaws.
    if (inst.frozenUntilUs > cx.nowUs)
      return cx.at(inst.frozenUntilUs, Task.atConsumer, s, inst.index, token);
    if (!inst.up || token <= inst.connToken) {
      if (inst.up) forgetLogDelivery(st, cx, inst, s, token);
      dropDelivery(st, cx, s, inst, token); // sent to a process or connection that died on the way
      return;
    }
  }
  cx.emit(Ev.received, s, inst.index, 0);
  if (inst.rejectP > 0 && inst.rngReject.nextFloat() < inst.rejectP)
    return rejectOnReceipt(st, cx, s, inst, token);
  // A free server and nothing waiting ahead: straight to work (what the buffer would do).
  if (inst.busy < inst.concurrency && inst.buffer.length === 0)
    return startProcessing(st, cx, s, inst, token);
  inst.buffer.pushBack(s);
  inst.bufferTokens.pushBack(token);
  pump(st, cx, inst);
}

/** basic.reject on receipt: the delivery goes back unprocessed, requeued or dead-lettered. */
function rejectOnReceipt(st: State, cx: Ctx, s: number, inst: InstanceRt, token: number): void {
  letGo(st, cx, s); // done with the delivery (before the nack, which may settle the copy inline)
  sendAck(st, cx, s, inst, token, inst.rejectRequeue ? Task.nackAtBroker : Task.rejectAtBroker);
  release(st, cx, s);
}

/**
 * A consumer lets go of a delivery without a side effect. Under manual ack the broker still
 * holds the message (it comes back on redelivery); under auto ack the broker forgot it on
 * delivery, so this instance of the copy is lost.
 */
function dropDelivery(st: State, cx: Ctx, s: number, inst: InstanceRt, token: number): void {
  const m = st.msgs;
  if ((m.flags[s] & MsgFlag.logRecord) !== 0) fetchEnded(st, cx, st.groups[inst.group], s, token);
  else {
    const forgotten = m.state[s] === MsgState.gone && (m.flags[s] & MsgFlag.ended) === 0;
    if (forgotten && m.outcome[m.copyOf[s]] === 0) {
      m.flags[s] |= MsgFlag.ended;
      dealFate(st, cx, s, Ev.lost, m.queue[s]);
    } else letGo(st, cx, s);
  }
  release(st, cx, s);
}

/** Drops every buffered delivery (the process died, or its connection was replaced). */
export function dropBuffer(st: State, cx: Ctx, inst: InstanceRt): void {
  while (inst.buffer.length > 0) {
    const token = inst.bufferTokens.popFront();
    const s = inst.buffer.popFront();
    forgetLogDelivery(st, cx, inst, s, token);
    dropDelivery(st, cx, s, inst, token);
  }
}

/** Drops what a crashed process was working on, freeing all its servers. */
export function dropInProgress(st: State, cx: Ctx, inst: InstanceRt): void {
  for (let k = 0; k < inst.concurrency; k++) {
    if (inst.procSlot[k] < 0) continue;
    const s = inst.procSlot[k];
    inst.procSlot[k] = -1;
    inst.procFrozenUs[k] = 0;
    dropDelivery(st, cx, s, inst, Math.abs(inst.procToken[k])); // negative: stalled by a freeze
  }
  inst.busy = 0;
  inst.logInFlight = 0;
}

/** A log record delivered to this process life that it will never finish frees its server. */
function forgetLogDelivery(st: State, cx: Ctx, inst: InstanceRt, s: number, token: number): void {
  if ((st.msgs.flags[s] & MsgFlag.logRecord) === 0 || token <= inst.killToken) return;
  inst.logInFlight--;
  pumpMember(st, cx, inst);
  logDeliveryDropped(st, cx, inst, s, token);
}

/**
 * The process hangs until `untilUs`: work in progress stalls for the part of the freeze still
 * ahead of it (overlapping freezes count once), and nothing new starts meanwhile. A stalled
 * server's token is negated, so its pending completion misses serviceDone's common path and
 * lands in finishStalled: the hot path pays nothing for freezes.
 */
export function freezeInstance(cx: Ctx, inst: InstanceRt, untilUs: number): void {
  const extraUs = untilUs - Math.max(cx.nowUs, inst.frozenUntilUs);
  if (!inst.up || extraUs <= 0) return;
  inst.frozenUntilUs = untilUs;
  inst.running = false;
  for (let k = 0; k < inst.concurrency; k++) {
    if (inst.procSlot[k] < 0) continue;
    inst.procFrozenUs[k] += extraUs;
    inst.procToken[k] = -Math.abs(inst.procToken[k]);
  }
}

/** The freeze is over (unless a later one still holds it): the process reads its socket again. */
export function thawInstance(cx: Ctx, inst: InstanceRt): void {
  if (inst.up && inst.frozenUntilUs <= cx.nowUs) inst.running = true;
}

/** A completion whose work a freeze stalled: it finishes that much later. */
function finishStalled(cx: Ctx, s: number, inst: InstanceRt, token: number): void {
  let k = 0;
  while (k < inst.concurrency && (inst.procToken[k] !== -token || inst.procSlot[k] !== s)) k++;
  if (k === inst.concurrency)
    throw cx.invariant(`${inst.name} finished a delivery it was not processing`);
  inst.procToken[k] = token;
  const stalledUs = inst.procFrozenUs[k];
  inst.procFrozenUs[k] = 0;
  cx.at(cx.nowUs + stalledUs, Task.serviceDone, s, inst.index, token);
}

/** Starts buffered deliveries, oldest first, while the instance has a free server. */
function pump(st: State, cx: Ctx, inst: InstanceRt): void {
  while (inst.busy < inst.concurrency && inst.buffer.length > 0) {
    startProcessing(st, cx, inst.buffer.popFront(), inst, inst.bufferTokens.popFront());
  }
}

function startProcessing(st: State, cx: Ctx, s: number, inst: InstanceRt, token: number): void {
  const now = cx.nowUs;
  let k = 0;
  while (k < inst.concurrency && inst.procSlot[k] >= 0) k++;
  if (k === inst.concurrency) throw cx.invariant(`${inst.name} has no free server`);
  if (cx.checking) checkHeld(st, cx, s, inst, token);
  st.gauges.touchInstance(inst, now);
  inst.busy++;
  inst.procSlot[k] = s;
  inst.procToken[k] = token;
  inst.procStartUs[k] = now;
  const serviceUs = inst.service.sampleUs(inst.rngService, inst.slowFactor);
  cx.emit(Ev.started, s, inst.index, 0);
  cx.at(now + serviceUs, Task.serviceDone, s, inst.index, token);
}

/**
 * Under manual ack with no ack timeout, a delivery on a live connection is processed only while
 * the broker counts it unacked on this instance (a timed-out or disowned one may be stale).
 */
function checkHeld(st: State, cx: Ctx, s: number, inst: InstanceRt, token: number): void {
  const m = st.msgs;
  if (inst.autoAck || (m.flags[s] & MsgFlag.logRecord) !== 0) return;
  const live = inst.connected && token > inst.connToken;
  if (st.queues[inst.queue].ackTimeoutUs > 0 || !live || m.token[s] !== token) return;
  if (m.state[s] !== MsgState.unacked || m.inst[s] !== inst.index)
    throw cx.invariant(`${inst.name} started slot ${s}, which is not unacked on it`);
}

export function serviceDone(st: State, cx: Ctx, s: number, inst: InstanceRt, token: number): void {
  if (token <= inst.killToken) return; // the instance crashed while processing
  const now = cx.nowUs;
  const m = st.msgs;
  let k = 0;
  while (k < inst.concurrency && (inst.procToken[k] !== token || inst.procSlot[k] !== s)) k++;
  if (k === inst.concurrency) return finishStalled(cx, s, inst, token);
  const startUs = inst.procStartUs[k];
  inst.procSlot[k] = -1;
  st.gauges.touchInstance(inst, now);
  inst.busy--;
  const failed =
    (inst.poison > 0 &&
      messageUniform(st.seed, st.senderKeys[m.producer[s]], m.seq[s]) < inst.poison) ||
    (inst.failRate > 0 && inst.rngFailures.nextFloat() < inst.failRate);
  if ((m.flags[s] & MsgFlag.logRecord) !== 0) {
    pump(st, cx, inst);
    return finishRecord(st, cx, s, inst, token, failed, startUs);
  }
  if (failed) cx.emit(Ev.failed, s, inst.index, 0);
  else applySideEffect(st, cx, s, inst, startUs);
  // The next buffered delivery starts before the ack goes out: with a zero-latency network the
  // ack is handled inline and may bring a new delivery, which must queue behind the buffer.
  pump(st, cx, inst);
  if (inst.autoAck) {
    if (failed)
      dropDelivery(st, cx, s, inst, token); // the broker no longer has it: lost
    else {
      letGo(st, cx, s);
      release(st, cx, s);
    }
    return;
  }
  letGo(st, cx, s); // done with the delivery (before the ack, which may settle the copy inline)
  // A consumer that never acks leaves the delivery unacked: the ack timeout or a disconnect.
  if (!inst.neverAck || failed)
    sendAck(st, cx, s, inst, token, failed ? Task.nackAtBroker : Task.ackAtBroker);
  release(st, cx, s);
}

/** A queue copy's side effect: its first processing decides the copy's outcome. */
function applySideEffect(st: State, cx: Ctx, s: number, inst: InstanceRt, startUs: number): void {
  const m = st.msgs;
  const owner = m.copyOf[s];
  const first = m.processed[owner] === 0;
  if (m.processed[owner] < 255) m.processed[owner]++;
  if (first) decideProcessed(st, s);
  sideEffect(st, cx, s, inst, startUs, first);
}

/** Sends an ack, nack or reject to the broker on the instance's connection. */
function sendAck(
  st: State,
  cx: Ctx,
  s: number,
  inst: InstanceRt,
  token: number,
  task: TaskKind,
): void {
  if (token <= inst.connToken) return; // its connection is gone: the ack cannot be sent
  if (lostAck(st, inst)) return; // lost in transit
  const now = cx.nowUs;
  if (inlineHop(st.hopAck, now, inst.partitionUntilUs)) cx.run(task, s, inst.index, token);
  else cx.at(toBrokerArrival(st, now, inst), task, s, inst.index, token);
}
