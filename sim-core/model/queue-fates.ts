// What becomes of a broker queue's copy that was not acked: back to ready (at once or after the
// retry delay), or out for good (dead-lettered, expired, dropped, lost), moving on to the
// dead-letter channel when there is one. A copy ends at most once (MsgFlag.ended).

import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { MsgFlag, MsgState } from './messages';
import { toUs } from './runtime';
import type { QueueRt } from './runtime';
import { holdGroup } from './fifo-groups';

/** How a copy leaves its queue for good. */
export type Fate = typeof Ev.deadLettered | typeof Ev.expired | typeof Ev.dropped | typeof Ev.lost;

export class Fates {
  constructor(private readonly e: Engine) {}

  /**
   * A settled, unsuccessful delivery: redeliver, or dead-letter once maxDeliveries is reached.
   * The retry delay applies to nacks and timeouts, not to deliveries returned by a dead connection.
   */
  requeueOrDeadLetter(q: QueueRt, s: number, delay = true): void {
    if (this.e.msgs.deliveries[s] >= q.maxDeliveries) this.endCopy(q, s, Ev.deadLettered);
    else if (delay) this.requeue(q, s);
    else this.makeReady(q, s);
  }

  /** Returns a settled delivery to the ready queue, after the retry delay if there is one. */
  private requeue(q: QueueRt, s: number): void {
    const e = this.e;
    const delayUs = toUs(q.retryDelay.sample(q.rngRetry));
    if (delayUs > 0) {
      e.msgs.state[s] = MsgState.delayed;
      holdGroup(e.msgs, q, s, true); // SQS FIFO: a group waits for its failed message
      e.kernel.after(delayUs, Task.retryReady, s, 0, e.msgs.token[s]);
      return;
    }
    this.makeReady(q, s);
  }

  retryReady(s: number, token: number): void {
    const e = this.e;
    const m = e.msgs;
    if (m.state[s] !== MsgState.delayed || m.token[s] !== token) return;
    const q = e.queues[m.queue[s]];
    this.makeReady(q, s);
    e.dispatcher.dispatch(q);
  }

  makeReady(q: QueueRt, s: number): void {
    const e = this.e;
    const m = e.msgs;
    q.touch(e.kernel.nowUs, e.warmupUs);
    if (m.state[s] === MsgState.delayed) holdGroup(m, q, s, false);
    m.state[s] = MsgState.ready;
    // FIFO groups keep their order whatever `requeue` says: a message returns ahead of its group.
    if (q.options.requeue === 'back' && q.groupBusy === null) q.ready.pushBack(s);
    else {
      const order = m.enqueueOrder[s];
      q.ready.insertOrdered(s, (other) => m.enqueueOrder[other] > order);
    }
    q.settle();
    e.obs.onEvent(Ev.requeued, e.kernel.nowUs, s, q.index, 0);
    this.armTtl(q);
  }

  /**
   * A copy leaves its queue for good (dead-lettered, expired, dropped or lost). Dead-lettered,
   * expired and dropped copies move on to the dead-letter channel when there is one.
   */
  endCopy(q: QueueRt, s: number, fate: Fate): void {
    const e = this.e;
    const m = e.msgs;
    if (q.directTimeoutUs >= 0 && m.state[s] === MsgState.transit) {
      e.obs.onEvent(Ev.rejected, e.kernel.nowUs, s, q.index, 0); // a call that found no instance in time
      e.release(s);
      return;
    }
    if (m.state[s] === MsgState.delayed) holdGroup(m, q, s, false);
    e.obs.onEvent(fate, e.kernel.nowUs, s, q.index, 0);
    m.state[s] = MsgState.gone;
    m.flags[s] |= MsgFlag.ended;
    if (fate !== Ev.lost && q.deadLetterChannel >= 0) {
      const d = m.alloc();
      m.copyIdentity(s, d);
      m.flags[d] |= MsgFlag.secondary;
      e.routing.arriveAtBroker(d, q.deadLetterChannel);
    }
    e.release(s);
  }

  armTtl(q: QueueRt): void {
    if (q.ttlUs === 0 || q.ttlArmed || q.ready.length === 0) return;
    q.ttlArmed = true;
    const e = this.e;
    e.kernel.at(e.msgs.enqueueUs[q.ready.peekFront()] + q.ttlUs, Task.ttlCheck, q.index, 0, 0);
  }

  /** Expires ready messages at the head of the queue (as RabbitMQ does), then re-arms. */
  ttlCheck(q: QueueRt): void {
    const e = this.e;
    q.ttlArmed = false;
    if (!e.brokerUp) return; // re-armed when the broker restarts
    const m = e.msgs;
    const now = e.kernel.nowUs;
    while (q.ready.length > 0 && now - m.enqueueUs[q.ready.peekFront()] >= q.ttlUs) {
      q.touch(now, e.warmupUs);
      this.endCopy(q, q.ready.popFront(), Ev.expired);
    }
    this.armTtl(q);
  }
}
