// Scheduled faults from the scenario: crashes (instances, broker), network partitions, slow and
// frozen instances and offset resets, each starting at its time and, if it lasts, ending `forUs` later.

import { Task } from './tasks';
import type { Ctx } from './context';
import type { CompiledFault } from './faults';
import type { State } from './state';
import { dropBuffer, freezeInstance, thawInstance } from './consumers';
import { crashInstance, detectionDelay, reconnect } from './instance-failures';
import { crashBroker } from './broker-failures';
import { crashNode, cutOffNode } from './node-failures';
import { resetOffsets } from './log-groups';

export function startFault(st: State, cx: Ctx, f: CompiledFault): void {
  const now = cx.nowUs;
  if (f.kind === 'crash') {
    if (f.broker) crashBroker(st, cx, f.restartUs);
    for (const k of f.nodes) crashNode(st, cx, k, f.restartUs);
    for (const i of f.instances) crashInstance(st, cx, st.instances[i], f.restartUs);
  } else if (f.kind === 'partition') {
    for (const k of f.nodes) cutOffNode(st, cx, k, f.forUs);
    for (const i of f.instances) {
      const inst = st.instances[i];
      inst.partitionUntilUs = Math.max(inst.partitionUntilUs, now + f.forUs);
      const delayUs = detectionDelay(st, inst);
      if (delayUs < f.forUs) cx.after(delayUs, Task.detect, i, 0, inst.connEpoch);
    }
    for (const p of f.producers) {
      const pr = st.producers[p];
      pr.partitionUntilUs = Math.max(pr.partitionUntilUs, now + f.forUs);
    }
    cx.after(f.forUs, Task.faultEnd, f.index, 0, 0);
  } else if (f.kind === 'slow') {
    for (const i of f.instances) st.instances[i].slowFactor *= f.factor;
    cx.after(f.forUs, Task.faultEnd, f.index, 0, 0);
  } else if (f.kind === 'freeze') {
    for (const i of f.instances) {
      const inst = st.instances[i];
      if (!inst.up) continue;
      // A hung process keeps its socket open: only missed heartbeats tell the broker.
      freezeInstance(cx, inst, now + f.forUs);
      const delayUs = detectionDelay(st, inst);
      if (delayUs < f.forUs) cx.after(delayUs, Task.detect, i, 0, inst.connEpoch);
    }
    cx.after(f.forUs, Task.faultEnd, f.index, 0, 0);
  } else if (f.resetGroup !== null) resetOffsets(st, cx, f.resetGroup, f.resetTo);
}

export function endFault(st: State, cx: Ctx, f: CompiledFault): void {
  if (f.kind === 'slow') {
    for (const i of f.instances) st.instances[i].slowFactor /= f.factor;
    return;
  }
  const now = cx.nowUs;
  for (const i of f.instances) {
    const inst = st.instances[i];
    if (f.kind === 'freeze') thawInstance(cx, inst);
    const silent = inst.partitionUntilUs > now || inst.frozenUntilUs > now;
    if (silent || !inst.up || inst.connected) continue;
    // The partition healed (or the process woke) after the broker gave up on the connection: the
    // client notices, drops what it had prefetched, and reconnects; acks of in-progress work are void.
    dropBuffer(st, cx, inst);
    reconnect(st, cx, inst);
  }
}
