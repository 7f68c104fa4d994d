// Intrusive doubly linked lists of message slots through the store's prev/next columns, newest
// first: O(1) link and unlink, no allocation. A slot is on at most one list at a time: its
// instance's unacked deliveries, or its queue's messages waiting out a retry delay.

import type { MessageStore } from './messages';

/** A list head: the owner keeps the first slot (−1 when empty). */
export interface SlotListHead {
  head: number;
}

export function linkSlot(m: MessageStore, list: SlotListHead, s: number): void {
  const head = list.head;
  m.prev[s] = -1;
  m.next[s] = head;
  if (head >= 0) m.prev[head] = s;
  list.head = s;
}

export function unlinkSlot(m: MessageStore, list: SlotListHead, s: number): void {
  const p = m.prev[s];
  const n = m.next[s];
  if (p >= 0) m.next[p] = n;
  else list.head = n;
  if (n >= 0) m.prev[n] = p;
  m.prev[s] = -1;
  m.next[s] = -1;
}

/** The list's slots, oldest first. */
export function slotsOldestFirst(m: MessageStore, list: SlotListHead): number[] {
  const out: number[] = [];
  for (let s = list.head; s >= 0; s = m.next[s]) out.push(s);
  return out.reverse();
}
