// Flow control (RabbitMQ's memory alarm): a node holding `memoryLimit` messages or more (ready
// and unacked in the queues it leads) raises an alarm, and producers whose next publish goes to
// it are blocked — their messages wait in the client, in order, and latency keeps counting from
// the intended send. A memory monitor checks an alarmed node every 100 ms and clears the alarm
// once it holds less than 90% of the limit.

import { Task } from './tasks';
import type { Ctx } from './context';
import type { State } from './state';
import { entryNode } from './intake';

/** How often an alarmed node's memory is checked (RabbitMQ samples it periodically too). */
export const MEMORY_CHECK_US = 100_000;

/** Messages held by the queues node k leads. */
export function heldOn(st: State, k: number): number {
  let n = 0;
  const placements = st.cluster.queues;
  for (let q = 0; q < placements.length; q++) {
    const pl = placements[q];
    if (pl !== null && pl.leader === k) n += st.queues[q].ready.length + st.queues[q].unacked;
  }
  return n;
}

/** Whether a publish of s to this channel is blocked by its node's alarm (raising it if due). */
export function alarmed(st: State, cx: Ctx, s: number, channel: number): boolean {
  if (st.directChannel[channel]) return false;
  const k = entryNode(st, s, channel);
  const node = st.cluster.nodes[k];
  if (node.alarmSinceUs >= 0) return true;
  if (heldOn(st, k) < st.memoryLimit) return false;
  node.alarmSinceUs = cx.nowUs;
  cx.after(MEMORY_CHECK_US, Task.memoryCheck, k, 0, 0);
  return true;
}

/** The memory monitor on node k: true once the alarm has cleared (else it checks again later). */
export function alarmCleared(st: State, cx: Ctx, k: number): boolean {
  const node = st.cluster.nodes[k];
  if (node.alarmSinceUs < 0) return true;
  if (heldOn(st, k) >= 0.9 * st.memoryLimit) {
    cx.after(MEMORY_CHECK_US, Task.memoryCheck, k, 0, 0);
    return false;
  }
  node.blockedUs += cx.nowUs - node.alarmSinceUs;
  node.alarmSinceUs = -1;
  return true;
}
