// Broker failures: a chain of random crashes (a restart starts a new chain, voiding the old one),
// crash and restart. A durable broker keeps what it had accepted; a transient one loses it all.

import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { MsgState } from './messages';
import { toUs } from './runtime';
import { lnOf } from './instance-failures';

export class BrokerFailures {
  constructor(private readonly e: Engine) {}

  scheduleBrokerCrash(): void {
    const e = this.e;
    const c = e.scenario.broker.crashes;
    if (c === null) return;
    e.kernel.after(
      toUs(-c.mtbf * lnOf(e.brokerRng)),
      Task.brokerCrash,
      0,
      ++e.brokerCrashEpoch,
      toUs(c.restart),
    );
  }

  /**
   * The broker goes down: every connection drops. A durable broker keeps what it had accepted
   * (unacked messages become ready again); a transient one loses every message it held.
   */
  crashBroker(restartUs: number): void {
    const e = this.e;
    if (!e.brokerUp) return;
    const now = e.kernel.nowUs;
    e.brokerUp = false;
    e.obs.onEvent(Ev.crashed, now, -1, -1, 0);
    for (const inst of e.instances) {
      if (e.instanceFailures.isDirect(inst)) continue; // a direct call's instance has no broker connection
      inst.connected = false;
      inst.connToken = e.tokenSeq;
      if (inst.up) e.consumerOps.dropBuffer(inst);
    }
    const durable = e.scenario.broker.durable;
    for (const q of e.queues) {
      if (q.directTimeoutUs >= 0) continue;
      for (const i of q.instances) {
        const inst = e.instances[i];
        for (const s of e.acks.takeUnacked(q, inst)) {
          if (durable) e.fates.makeReady(q, s);
          else e.fates.endCopy(q, s, Ev.lost);
        }
      }
      if (!durable) {
        q.touch(now, e.warmupUs);
        while (q.ready.length > 0) e.fates.endCopy(q, q.ready.popFront(), Ev.lost);
      }
    }
    if (!durable) this.loseDelayed();
    e.logOps.brokerCrashed(durable);
    if (restartUs >= 0) e.kernel.after(restartUs, Task.brokerRestart, 0, 0, 0);
  }

  /** Messages waiting out a retry delay are held by the broker too. */
  private loseDelayed(): void {
    const e = this.e;
    const m = e.msgs;
    for (let s = 0; s < m.capacity; s++) {
      if (m.state[s] === MsgState.delayed) e.fates.endCopy(e.queues[m.queue[s]], s, Ev.lost);
    }
  }

  restartBroker(): void {
    const e = this.e;
    if (e.brokerUp) return;
    e.brokerUp = true;
    e.obs.onEvent(Ev.recovered, e.kernel.nowUs, -1, -1, 0);
    for (const inst of e.instances)
      if (inst.up && !e.instanceFailures.isDirect(inst)) e.instanceFailures.reconnect(inst, true);
    for (const g of e.groups) e.logOps.rebalance(g);
    for (const q of e.queues) {
      e.fates.armTtl(q);
      e.acks.rearmDeadline(q);
      e.dispatcher.dispatch(q);
    }
    this.scheduleBrokerCrash();
  }
}
