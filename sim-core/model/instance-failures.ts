// Consumer instance failures: random crash chains, the broker's detection of a dead connection
// (heartbeat or session timeout), restarts and reconnects. A connection's token voids every
// delivery and ack of an older connection; a crash chain's epoch voids crashes of an older chain.

import { ln } from '../random';
import type { Rng } from '../random';
import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { toUs } from './runtime';
import type { InstanceRt } from './runtime';

export class InstanceFailures {
  constructor(private readonly e: Engine) {}

  scheduleRandomCrash(inst: InstanceRt): void {
    const c = inst.def.crashes;
    if (c === null) return;
    const gapUs = toUs(-c.mtbf * lnOf(inst.rngCrashes));
    this.e.kernel.after(gapUs, Task.crash, inst.index, ++inst.crashEpoch, toUs(c.restart));
  }

  /** The process dies: its buffer and in-progress work are gone; the broker notices later. */
  crashInstance(inst: InstanceRt, restartUs: number): void {
    if (!inst.up) return;
    const e = this.e;
    const now = e.kernel.nowUs;
    inst.up = false;
    inst.killToken = e.tokenSeq;
    inst.connToken = e.tokenSeq;
    e.obs.onEvent(Ev.crashed, now, -1, inst.index, 0);
    e.consumerOps.dropBuffer(inst);
    inst.touch(now, e.warmupUs);
    e.consumerOps.dropInProgress(inst);
    const detectUs = now + this.detectionDelay(inst);
    e.kernel.at(detectUs, Task.detect, inst.index, 0, inst.connToken);
    // Simplification: the restarted process reconnects once the broker has noticed the old connection is gone.
    if (restartUs >= 0)
      e.kernel.at(Math.max(now + restartUs, detectUs), Task.restart, inst.index, 0, 0);
  }

  /** Whether the instance serves a direct channel (it has no broker connection). */
  isDirect(inst: InstanceRt): boolean {
    return inst.queue >= 0 && this.e.queues[inst.queue].directTimeoutUs >= 0;
  }

  /** How long until the broker gives up on a silent instance: heartbeat, or a log group's session timeout. */
  detectionDelay(inst: InstanceRt): number {
    return inst.group >= 0 ? this.e.groups[inst.group].sessionTimeoutUs : inst.heartbeatUs;
  }

  /**
   * The broker notices a dead connection (missed heartbeats): every unacked delivery on it comes
   * back (flagged redelivered on its next delivery). Ignored if the connection was renewed since.
   */
  detectDeadConnection(inst: InstanceRt, connTokenAtFailure: number): void {
    const e = this.e;
    if (inst.connToken > connTokenAtFailure) return; // a newer connection: nothing to detect
    if (inst.up && inst.partitionUntilUs <= e.kernel.nowUs) return; // the partition healed in time
    inst.connected = false;
    if (inst.group >= 0) return e.logOps.rebalance(e.groups[inst.group]);
    if (inst.queue < 0) return;
    const q = e.queues[inst.queue];
    for (const s of e.acks.takeUnacked(q, inst)) {
      // No broker holds a direct call: it fails with its instance.
      if (q.directTimeoutUs >= 0) e.fates.endCopy(q, s, Ev.lost);
      else e.fates.requeueOrDeadLetter(q, s, false);
    }
    e.dispatcher.dispatch(q);
  }

  restartInstance(inst: InstanceRt): void {
    if (inst.up) return;
    const e = this.e;
    inst.up = true;
    e.obs.onEvent(Ev.recovered, e.kernel.nowUs, -1, inst.index, 0);
    this.reconnect(inst);
    this.scheduleRandomCrash(inst);
    e.logOps.startCommitTicks(inst);
  }

  /** A fresh connection: full credit; deliveries of the old one are void. */
  /**
   * A fresh connection with full credit; deliveries on the old one are void. `quiet`: only open
   * it, and let the caller dispatch once every instance is connected (a broker restart), so no
   * delivery goes out on a connection that is about to be replaced.
   */
  reconnect(inst: InstanceRt, quiet = false): void {
    const e = this.e;
    inst.connected = true;
    inst.connToken = e.tokenSeq;
    inst.withheld = 0;
    if (inst.group >= 0) {
      if (!quiet) e.logOps.rebalance(e.groups[inst.group]);
      return;
    }
    inst.credit = inst.autoAck ? Infinity : inst.prefetch;
    e.dispatcher.offerCredit(inst);
    if (!quiet && inst.queue >= 0) e.dispatcher.dispatch(e.queues[inst.queue]);
  }
}

/** ln(u) of a uniform draw: −mean·ln(u) is an exponential gap with that mean. */
export function lnOf(rng: Rng): number {
  return ln(rng.nextFloat());
}
