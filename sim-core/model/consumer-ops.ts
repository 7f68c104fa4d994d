// Consumer instances: deliveries arrive into a local buffer, start while a server is free, and
// finish with a side effect (or a failure), onward emits and an ack. A delivery whose process or
// connection died on the way is dropped: it counts as lost only if the broker no longer has it.

import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { MsgFlag, MsgState } from './messages';
import { toUs } from './runtime';
import type { ConsumerRt, InstanceRt } from './runtime';
import { messageUniform } from './message-hash';

export class ConsumerOps {
  constructor(private readonly e: Engine) {}

  arriveAtConsumer(s: number, inst: InstanceRt, token: number): void {
    if (!inst.up || token <= inst.connToken) {
      if (inst.up) this.forgetLogDelivery(inst, s, token);
      this.dropDelivery(s); // sent to a process or connection that died on the way
      return;
    }
    this.e.obs.onEvent(Ev.received, this.e.kernel.nowUs, s, inst.index, 0);
    inst.buffer.pushBack(s);
    inst.bufferTokens.pushBack(token);
    this.pump(inst);
  }

  /** Schedules a delivery's arrival at a consumer. */
  scheduleArrival(atUs: number, s: number, inst: InstanceRt, token: number): void {
    this.e.kernel.at(atUs, Task.atConsumer, s, inst.index, token);
  }

  /**
   * A consumer lets go of a delivery it never finished. Under manual ack the broker still holds
   * the message (it comes back on redelivery); under auto ack it was the only copy: lost.
   */
  private dropDelivery(s: number): void {
    const e = this.e;
    const m = e.msgs;
    const unended = (m.flags[s] & (MsgFlag.ended | MsgFlag.logRecord)) === 0;
    if (m.state[s] === MsgState.gone && unended && m.processed[m.copyOf[s]] === 0) {
      m.flags[s] |= MsgFlag.ended;
      e.obs.onEvent(Ev.lost, e.kernel.nowUs, s, m.queue[s], 0);
    }
    e.release(s);
  }

  /** Drops every buffered delivery (the process died, or its connection was replaced). */
  dropBuffer(inst: InstanceRt): void {
    while (inst.buffer.length > 0) {
      const token = inst.bufferTokens.popFront();
      const s = inst.buffer.popFront();
      this.forgetLogDelivery(inst, s, token);
      this.dropDelivery(s);
    }
  }

  /** Drops what a crashed process was working on, freeing all its servers. */
  dropInProgress(inst: InstanceRt): void {
    for (let k = 0; k < inst.concurrency; k++) {
      if (inst.procSlot[k] < 0) continue;
      const s = inst.procSlot[k];
      inst.procSlot[k] = -1;
      this.dropDelivery(s);
    }
    inst.busy = 0;
    inst.logInFlight = 0;
  }

  /** A log record delivered to this process life that it will never finish frees its server. */
  private forgetLogDelivery(inst: InstanceRt, s: number, token: number): void {
    if ((this.e.msgs.flags[s] & MsgFlag.logRecord) === 0 || token <= inst.killToken) return;
    inst.logInFlight--;
    this.e.logOps.deliveryDropped(inst, s, token);
    this.e.logOps.pumpMember(inst);
  }

  /** Starts buffered deliveries, oldest first, while the instance has a free server. */
  private pump(inst: InstanceRt): void {
    while (inst.busy < inst.concurrency && inst.buffer.length > 0) {
      this.startProcessing(inst.buffer.popFront(), inst, inst.bufferTokens.popFront());
    }
  }

  private startProcessing(s: number, inst: InstanceRt, token: number): void {
    const e = this.e;
    const now = e.kernel.nowUs;
    let k = 0;
    while (k < inst.concurrency && inst.procSlot[k] >= 0) k++;
    if (k === inst.concurrency) throw e.invariant(`${inst.name} has no free server`);
    inst.touch(now, e.warmupUs);
    inst.busy++;
    inst.procSlot[k] = s;
    inst.procToken[k] = token;
    inst.procStartUs[k] = now;
    const serviceUs = toUs(inst.service.sample(inst.rngService) * inst.slowFactor);
    e.obs.onEvent(Ev.started, now, s, inst.index, 0);
    e.kernel.at(now + serviceUs, Task.serviceDone, s, inst.index, token);
  }

  serviceDone(s: number, inst: InstanceRt, token: number): void {
    if (token <= inst.killToken) return; // the instance crashed while processing
    const e = this.e;
    const now = e.kernel.nowUs;
    const m = e.msgs;
    let k = 0;
    while (k < inst.concurrency && (inst.procToken[k] !== token || inst.procSlot[k] !== s)) k++;
    if (k === inst.concurrency)
      throw e.invariant(`${inst.name} finished a delivery it was not processing`);
    const startUs = inst.procStartUs[k];
    inst.procSlot[k] = -1;
    inst.touch(now, e.warmupUs);
    inst.busy--;
    const failed =
      (inst.poison > 0 && messageUniform(e.seed, m.producer[s], m.seq[s]) < inst.poison) ||
      (inst.failRate > 0 && inst.rngFailures.nextFloat() < inst.failRate);
    if ((m.flags[s] & MsgFlag.logRecord) !== 0) {
      this.pump(inst);
      return e.logOps.finish(s, inst, token, failed, startUs);
    }
    if (failed) e.obs.onEvent(Ev.failed, now, s, inst.index, 0);
    else this.applySideEffect(s, inst, startUs);
    // The next buffered delivery starts before the ack goes out: with a zero-latency network the
    // ack is handled inline and may bring a new delivery, which must queue behind the buffer.
    this.pump(inst);
    if (!inst.autoAck) {
      this.sendAck(s, inst, token, failed);
      e.release(s);
    } else if (failed)
      this.dropDelivery(s); // auto ack: the broker no longer has it
    else e.release(s);
  }

  /** The processing's side effect: once per copy, or again (a duplicate) unless idempotent. */
  private applySideEffect(s: number, inst: InstanceRt, startUs: number): void {
    const m = this.e.msgs;
    const owner = m.copyOf[s];
    const first = m.processed[owner] === 0;
    if (m.processed[owner] < 255) m.processed[owner]++;
    this.sideEffect(s, inst, startUs, first);
  }

  /**
   * Runs (or, for an idempotent consumer that has seen the id, suppresses) a side effect, and
   * emits onward. `first`: the copy's first processing.
   */
  sideEffect(s: number, inst: InstanceRt, startUs: number, first: boolean): void {
    const e = this.e;
    const m = e.msgs;
    const now = e.kernel.nowUs;
    const seen = inst.def.idempotent ? e.queues[inst.queue].processedIds : null;
    if (seen !== null) {
      const id = m.producer[s] * 2147483648 + m.seq[s];
      if (seen.has(id)) {
        e.obs.onEvent(Ev.suppressed, now, s, inst.index, 0);
        return;
      }
      seen.add(id);
    }
    e.obs.onEvent(first ? Ev.processed : Ev.reprocessed, now, s, inst.index, startUs);
    const c = e.consumers[inst.consumer];
    if (c.sender >= 0) this.emitOnward(s, inst, c);
  }

  /**
   * Event-driven chains: after its side effect the consumer publishes onward. The new message
   * has its own id (`consumerId:seq`), keeps the key, and remembers the chain's origin time.
   */
  private emitOnward(s: number, inst: InstanceRt, c: ConsumerRt): void {
    const e = this.e;
    const m = e.msgs;
    const now = e.kernel.nowUs;
    for (let i = 0; i < c.emitChannels.length; i++) {
      const pr = c.emitProbabilities[i];
      if (pr < 1 && inst.rngEmit.nextFloat() >= pr) continue;
      const x = e.newMessage(c.sender, ++c.emitSeq, m.key[s], m.size[s], now, m.originUs[s]);
      e.obs.onEvent(Ev.published, now, x, c.sender, 0);
      if (e.net.zeroLatency && inst.partitionUntilUs <= now)
        e.routing.arriveAtBroker(x, c.emitChannels[i]);
      else {
        inst.linkToBrokerUs = e.net.hopArrival(
          inst.linkToBrokerUs,
          inst.rngNet,
          inst.partitionUntilUs,
        );
        e.kernel.at(inst.linkToBrokerUs, Task.atBroker, x, c.emitChannels[i], 0);
      }
    }
  }

  private sendAck(s: number, inst: InstanceRt, token: number, negative: boolean): void {
    if (token <= inst.connToken) return; // its connection is gone: the ack cannot be sent
    const e = this.e;
    if (e.net.lostAck(inst)) return; // lost in transit
    const now = e.kernel.nowUs;
    if (e.net.zeroLatency && inst.partitionUntilUs <= now)
      e.acks.ackAtBroker(s, inst, token, negative);
    else {
      const kind = negative ? Task.nackAtBroker : Task.ackAtBroker;
      e.kernel.at(e.net.ackArrival(inst), kind, s, inst.index, token);
    }
  }
}
