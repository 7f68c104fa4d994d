// FIFO groups (SQS FIFO style): a message's key is its group, and a group has at most one
// message in flight or waiting out a retry delay; queues without groups have groupBusy null.

import type { MessageStore } from './messages';
import type { QueueRt } from './entities';

/** The first ready message whose group has nothing in flight, or -1. */
export function firstFreeGroup(m: MessageStore, q: QueueRt): number {
  const busy = q.groupBusy!;
  if (q.busyGroups >= busy.length) return -1;
  for (let i = 0; i < q.ready.length; i++) if (busy[m.key[q.ready.at(i)] + 1] === 0) return i;
  return -1;
}

/** Marks a message's group busy (or free again). */
export function holdGroup(m: MessageStore, q: QueueRt, s: number, busy: boolean): void {
  if (q.groupBusy === null) return;
  const g = m.key[s] + 1;
  if ((q.groupBusy[g] === 1) === busy) return;
  q.groupBusy[g] = busy ? 1 : 0;
  q.busyGroups += busy ? 1 : -1;
}
