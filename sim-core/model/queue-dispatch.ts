// Dispatch from a broker queue: ready messages go round-robin to connected instances that have
// prefetch credit (an instance is in its queue's credit ring at most once), FIFO groups allowing.

import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { MsgState } from './messages';
import type { InstanceRt, QueueRt } from './runtime';
import { firstFreeGroup, holdGroup } from './fifo-groups';
import { linkUnacked } from './unacked-list';
import { copyAux } from './routing';

export class Dispatcher {
  constructor(private readonly e: Engine) {}

  /** Puts an instance with credit back in its queue's round-robin, once. */
  offerCredit(inst: InstanceRt): void {
    if (!inst.inRing && inst.connected && inst.credit > 0 && inst.queue >= 0) {
      inst.inRing = true;
      this.e.queues[inst.queue].credit.pushBack(inst.index);
    }
  }

  /** Hands ready messages to connected instances with credit, round-robin. */
  dispatch(q: QueueRt): void {
    const e = this.e;
    if (!e.brokerUp && q.directTimeoutUs < 0) return;
    const m = e.msgs;
    while (q.ready.length > 0 && q.credit.length > 0) {
      const inst = e.instances[q.credit.popFront()];
      inst.inRing = false;
      if (!inst.connected || inst.credit <= 0) continue;
      let s: number;
      if (q.groupBusy !== null) {
        const i = firstFreeGroup(m, q);
        if (i < 0) {
          this.offerCredit(inst); // every waiting message's group is busy: wait for an ack
          break;
        }
        s = q.ready.removeAt(i);
      } else s = q.ready.popFront();
      if (q.ttlUs > 0 && e.kernel.nowUs - m.enqueueUs[s] >= q.ttlUs) {
        q.touch(e.kernel.nowUs, e.warmupUs);
        e.fates.endCopy(q, s, Ev.expired);
        this.offerCredit(inst);
        continue;
      }
      this.deliver(q, s, inst);
    }
  }

  private deliver(q: QueueRt, s: number, inst: InstanceRt): void {
    const e = this.e;
    const m = e.msgs;
    const now = e.kernel.nowUs;
    // A direct call counts as a copy once an instance takes it (a call that finds none fails).
    if (q.directTimeoutUs >= 0) e.obs.onEvent(Ev.enqueued, now, s, q.index, copyAux(m, s));
    if (!inst.autoAck) holdGroup(m, q, s, true);
    const token = ++e.tokenSeq;
    const n = ++m.deliveries[s];
    m.token[s] = token;
    m.inst[s] = inst.index;
    q.touch(now, e.warmupUs);
    if (inst.autoAck) {
      // noAck: the broker forgets the message as it sends it; its reference moves to the delivery.
      m.state[s] = MsgState.gone;
      this.offerCredit(inst);
      e.obs.onEvent(Ev.delivered, now, s, inst.index, n);
      e.obs.onEvent(Ev.acked, now, s, q.index, 0);
    } else {
      q.unacked++;
      m.state[s] = MsgState.unacked;
      m.refs[s]++;
      linkUnacked(m, inst, s);
      inst.credit--;
      this.offerCredit(inst);
      if (q.ackTimeoutUs > 0) e.acks.armDeadline(q, s, token, now + q.ackTimeoutUs);
      e.obs.onEvent(Ev.delivered, now, s, inst.index, n);
    }
    if (e.net.zeroLatency && inst.partitionUntilUs <= now)
      e.consumerOps.arriveAtConsumer(s, inst, token);
    else {
      inst.linkToConsumerUs = e.net.hopArrival(
        inst.linkToConsumerUs,
        inst.rngBrokerNet,
        inst.partitionUntilUs,
      );
      e.kernel.at(inst.linkToConsumerUs, Task.atConsumer, s, inst.index, token);
    }
  }
}
