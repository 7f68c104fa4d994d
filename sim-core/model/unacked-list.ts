// Each instance's unacked deliveries as an intrusive doubly linked list through the message
// store's prev/next columns, newest first: O(1) link and unlink, no allocation.

import type { MessageStore } from './messages';
import type { InstanceRt } from './runtime';

export function linkUnacked(m: MessageStore, inst: InstanceRt, s: number): void {
  const head = inst.unackedHead;
  m.prev[s] = -1;
  m.next[s] = head;
  if (head >= 0) m.prev[head] = s;
  inst.unackedHead = s;
}

export function unlinkUnacked(m: MessageStore, inst: InstanceRt, s: number): void {
  const p = m.prev[s];
  const n = m.next[s];
  if (p >= 0) m.next[p] = n;
  else inst.unackedHead = n;
  if (n >= 0) m.prev[n] = p;
}
