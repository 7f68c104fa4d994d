// Settling deliveries of a broker queue: acks and nacks from consumers, ack deadlines, and the
// unacked deliveries of a dead connection. Settling returns credit only to the connection that
// received the delivery, and never twice (a delivery's token identifies it).

import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { MsgState } from './messages';
import type { InstanceRt, QueueRt } from './runtime';
import { holdGroup } from './fifo-groups';
import { unlinkUnacked } from './unacked-list';

export class Acks {
  constructor(private readonly e: Engine) {}

  /**
   * Removes an unacked delivery from the broker's books. A live connection gets its prefetch
   * credit back, unless `withhold`: the consumer still holds a timed-out delivery, and its credit
   * returns only when that delivery's (late) ack arrives, so prefetch keeps bounding its buffer.
   */
  settleDelivery(q: QueueRt, s: number, withhold = false): void {
    const e = this.e;
    const m = e.msgs;
    const inst = e.instances[m.inst[s]];
    q.touch(e.kernel.nowUs, e.warmupUs);
    q.unacked--;
    unlinkUnacked(m, inst, s);
    if (!inst.autoAck) holdGroup(m, q, s, false);
    if (inst.autoAck || !inst.connected || m.token[s] <= inst.connToken) return;
    if (withhold) inst.withheld++;
    else {
      inst.credit++;
      e.dispatcher.offerCredit(inst);
    }
  }

  /** Settles every unacked delivery of an instance and returns them oldest first (requeue order). */
  takeUnacked(q: QueueRt, inst: InstanceRt): number[] {
    const out: number[] = [];
    for (let s = inst.unackedHead; s >= 0; s = this.e.msgs.next[s]) out.push(s);
    out.reverse();
    for (const s of out) this.settleDelivery(q, s);
    return out;
  }

  /** Whether an instance still holds (buffered or processing) the delivery with this token. */
  private holds(inst: InstanceRt, token: number): boolean {
    for (let k = 0; k < inst.concurrency; k++)
      if (inst.procSlot[k] >= 0 && inst.procToken[k] === token) return true;
    for (let i = 0; i < inst.bufferTokens.length; i++)
      if (inst.bufferTokens.at(i) === token) return true;
    return false;
  }

  ackAtBroker(s: number, inst: InstanceRt, token: number, negative: boolean): void {
    const e = this.e;
    const m = e.msgs;
    if (!e.brokerUp) return;
    if (m.state[s] !== MsgState.unacked || m.token[s] !== token) {
      // A late ack of a timed-out delivery: the message moved on, but the credit comes back.
      if (inst.withheld > 0 && inst.connected) {
        inst.withheld--;
        inst.credit++;
        e.dispatcher.offerCredit(inst);
        e.dispatcher.dispatch(e.queues[inst.queue]);
      }
      return;
    }
    const q = e.queues[m.queue[s]];
    this.settleDelivery(q, s);
    if (negative) {
      e.obs.onEvent(Ev.nacked, e.kernel.nowUs, s, q.index, 0);
      // A failed synchronous call returns an error to its caller: nothing retries it.
      if (q.directTimeoutUs >= 0) e.fates.endCopy(q, s, Ev.lost);
      else e.fates.requeueOrDeadLetter(q, s);
    } else {
      m.state[s] = MsgState.gone;
      e.obs.onEvent(Ev.acked, e.kernel.nowUs, s, q.index, 0);
      e.release(s);
    }
    e.dispatcher.dispatch(q);
  }

  armDeadline(q: QueueRt, s: number, token: number, deadlineUs: number): void {
    q.timeouts.push(deadlineUs, s, token);
    if (!q.timerArmed) {
      q.timerArmed = true;
      this.e.kernel.at(deadlineUs, Task.ackDeadline, q.index, 0, 0);
    }
  }

  /** Times out every overdue delivery, skips settled ones, and re-arms for the next live one. */
  ackDeadline(q: QueueRt): void {
    const e = this.e;
    const m = e.msgs;
    const f = q.timeouts;
    const now = e.kernel.nowUs;
    q.timerArmed = false;
    if (!e.brokerUp) return; // re-armed when the broker restarts
    while (f.length > 0) {
      const s = f.headSlot();
      const live = m.state[s] === MsgState.unacked && m.token[s] === f.headToken();
      if (live && f.headDeadline() > now) break;
      f.shift();
      if (live) {
        const inst = e.instances[m.inst[s]];
        this.settleDelivery(q, s, this.holds(inst, m.token[s]));
        e.obs.onEvent(Ev.timedOut, now, s, q.index, 0);
        e.fates.requeueOrDeadLetter(q, s);
      }
    }
    this.rearmDeadline(q);
    e.dispatcher.dispatch(q);
  }

  rearmDeadline(q: QueueRt): void {
    if (q.timerArmed || q.timeouts.length === 0) return;
    q.timerArmed = true;
    this.e.kernel.at(q.timeouts.headDeadline(), Task.ackDeadline, q.index, 0, 0);
  }
}
