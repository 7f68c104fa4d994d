// Scheduled faults from the scenario: crashes (instances, broker), network partitions, slow
// instances and offset resets, each starting at its time and, if it lasts, ending `forUs` later.

import { Task } from './tasks';
import type { Engine } from './engine';
import type { CompiledFault } from './faults';

export class FaultInjection {
  constructor(private readonly e: Engine) {}

  startFault(f: CompiledFault): void {
    const e = this.e;
    const now = e.kernel.nowUs;
    if (f.kind === 'crash') {
      if (f.broker) e.brokerFailures.crashBroker(f.restartUs);
      for (const i of f.instances) e.instanceFailures.crashInstance(e.instances[i], f.restartUs);
    } else if (f.kind === 'partition') {
      for (const i of f.instances) {
        const inst = e.instances[i];
        inst.partitionUntilUs = Math.max(inst.partitionUntilUs, now + f.forUs);
        const delayUs = e.instanceFailures.detectionDelay(inst);
        if (delayUs < f.forUs) e.kernel.after(delayUs, Task.detect, i, 0, inst.connToken);
      }
      for (const p of f.producers) {
        const pr = e.producers[p];
        pr.partitionUntilUs = Math.max(pr.partitionUntilUs, now + f.forUs);
      }
      e.kernel.after(f.forUs, Task.faultEnd, f.index, 0, 0);
    } else if (f.kind === 'slow') {
      for (const i of f.instances) e.instances[i].slowFactor *= f.factor;
      e.kernel.after(f.forUs, Task.faultEnd, f.index, 0, 0);
    } else if (f.resetGroup !== null) e.logOps.resetOffsets(f.resetGroup, f.resetTo);
  }

  endFault(f: CompiledFault): void {
    const e = this.e;
    if (f.kind === 'slow') {
      for (const i of f.instances) e.instances[i].slowFactor /= f.factor;
      return;
    }
    const now = e.kernel.nowUs;
    for (const i of f.instances) {
      const inst = e.instances[i];
      if (inst.partitionUntilUs > now || !inst.up || inst.connected) continue;
      // The partition healed after the broker gave up on the connection: the client notices,
      // drops what it had prefetched, and reconnects; acks of in-progress work are void.
      e.consumerOps.dropBuffer(inst);
      e.instanceFailures.reconnect(inst);
    }
  }
}
