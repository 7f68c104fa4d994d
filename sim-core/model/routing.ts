// The broker's front door: a message arriving for a channel goes to the producer's pending
// publish (confirms), a log, or a copy per bound queue; a queue accepts it, drops its head, or
// refuses it (overflow); a direct channel hands it straight to an instance (a synchronous call).

import { Ev } from './events';
import type { Engine } from './engine';
import { MsgFlag, MsgState } from './messages';
import type { MessageStore } from './messages';
import type { QueueRt } from './runtime';

export class Routing {
  constructor(private readonly e: Engine) {}

  /** A message reaches the broker for a channel: fan out to its queues, or refuse it. */
  arriveAtBroker(s: number, channel: number): void {
    const e = this.e;
    const now = e.kernel.nowUs;
    const m = e.msgs;
    const sender = m.producer[s];
    if (sender < e.producers.length && e.producers[sender].tracked) {
      const p = e.producers[sender];
      const rec = (m.flags[s] & MsgFlag.secondary) === 0 ? p.pending.get(m.seq[s]) : undefined;
      if (rec !== undefined) return e.publishing.arriveTracked(p, rec, s, channel);
    }
    if (!e.brokerUp && !e.directChannel[channel]) {
      e.obs.onEvent(Ev.rejected, now, s, -1, 0);
      e.release(s);
      return;
    }
    const log = e.logByChannel[channel];
    if (log !== undefined) return e.logOps.append(log, s);
    const targets = e.topo.channelTargets[channel];
    if (targets.length === 0) {
      e.obs.onEvent(Ev.unrouted, now, s, channel, 0);
      e.release(s);
      return;
    }
    for (let i = 1; i < targets.length; i++) {
      const copy = m.alloc();
      m.copyIdentity(s, copy);
      this.enqueue(e.queues[targets[i]], copy);
    }
    this.enqueue(e.queues[targets[0]], s);
  }

  /** Accepts a copy into a queue; false if the queue refused it (reject-publish overflow). */
  enqueue(q: QueueRt, s: number, aux = copyAux(this.e.msgs, s)): boolean {
    const e = this.e;
    const m = e.msgs;
    const now = e.kernel.nowUs;
    if (q.ready.length >= q.maxLength) {
      if (q.options.overflow === 'reject-publish') {
        e.obs.onEvent(Ev.rejected, now, s, q.index, 0);
        e.release(s);
        return false;
      }
      q.touch(now, e.warmupUs);
      e.fates.endCopy(q, q.ready.popFront(), Ev.dropped);
    }
    m.queue[s] = q.index;
    m.state[s] = MsgState.ready;
    m.enqueueUs[s] = now;
    m.enqueueOrder[s] = q.enqueueOrder++;
    q.touch(now, e.warmupUs);
    q.ready.pushBack(s);
    q.settle();
    if (q.directTimeoutUs >= 0) return this.call(q, s);
    e.obs.onEvent(Ev.enqueued, now, s, q.index, aux);
    e.fates.armTtl(q);
    e.dispatcher.dispatch(q);
    return true;
  }

  /**
   * A synchronous call on a direct channel: it waits (state transit: not yet a copy) for a free
   * instance at most the channel's timeout, then fails as rejected; with timeout 0 it fails at once.
   */
  private call(q: QueueRt, s: number): boolean {
    const e = this.e;
    e.msgs.state[s] = MsgState.transit;
    e.dispatcher.dispatch(q);
    if (e.msgs.state[s] !== MsgState.transit) return true;
    if (q.directTimeoutUs === 0) {
      q.ready.popBack();
      e.obs.onEvent(Ev.rejected, e.kernel.nowUs, s, q.index, 0);
      e.release(s);
      return false;
    }
    e.fates.armTtl(q);
    return true;
  }
}

/** The enqueued event's aux for a copy: 2 for a dead-lettered (secondary) copy, else 0. */
export function copyAux(m: MessageStore, s: number): number {
  return (m.flags[s] & MsgFlag.secondary) !== 0 ? 2 : 0;
}
