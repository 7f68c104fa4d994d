// FIFO groups (SQS FIFO style): a message's key is its group, and a group has at most one
// message in flight or waiting out a retry delay. A grouped queue keeps its ready messages per
// group, with two lazy heaps of group heads by enqueue order (all groups; free groups), so
// taking the oldest message of a free group costs O(log groups), never a scan of the backlog.
// Queues without groups have groupBusy null and a plain IntDeque.

import type { MessageStore } from './messages';
import { IntDeque } from './ring';

/** What a queue's ready messages support: a plain deque, or the grouped structure below. */
export interface ReadyQueue {
  readonly length: number;
  /** Appends a newly enqueued message (the highest enqueue order so far). */
  pushBack(s: number): void;
  /** Removes and returns the oldest ready message; call only when length > 0. */
  popFront(): number;
  peekFront(): number;
  /** Removes the newest (a direct call that found no instance); plain queues only. */
  popBack(): number;
  /** Inserts a requeued message before the first one `isAfter` accepts. */
  insertOrdered(s: number, isAfter: (other: number) => boolean): void;
  /** The i-th oldest (tests and snapshots; O(n) for grouped queues). */
  at(i: number): number;
}

/** A binary min-heap of (order, group) entries over typed arrays; entries may be stale. */
class HeadHeap {
  order = new Float64Array(64);
  group = new Int32Array(64);
  size = 0;

  push(order: number, group: number): void {
    if (this.size === this.order.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.order[p] <= order) break;
      this.order[i] = this.order[p];
      this.group[i] = this.group[p];
      i = p;
    }
    this.order[i] = order;
    this.group[i] = group;
  }

  pop(): void {
    const n = --this.size;
    const o = this.order[n];
    const g = this.group[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.order[c + 1] < this.order[c]) c++;
      if (o <= this.order[c]) break;
      this.order[i] = this.order[c];
      this.group[i] = this.group[c];
      i = c;
    }
    this.order[i] = o;
    this.group[i] = g;
  }

  private grow(): void {
    const o = new Float64Array(this.order.length * 2);
    o.set(this.order);
    this.order = o;
    const g = new Int32Array(this.group.length * 2);
    g.set(this.group);
    this.group = g;
  }
}

/** The ready messages of a queue with FIFO groups. */
export class GroupedReady implements ReadyQueue {
  length = 0;
  /** Ready messages per group (key + 1; keyless: 0), oldest first. */
  private readonly lists: Array<IntDeque | null>;
  private readonly all = new HeadHeap();
  private readonly free = new HeadHeap();

  constructor(
    private readonly m: MessageStore,
    /** Busy flag per group, shared with the queue (groupBusy). */
    private readonly busy: Uint8Array,
  ) {
    this.lists = new Array<IntDeque | null>(busy.length).fill(null);
  }

  pushBack(s: number): void {
    const g = this.m.key[s] + 1;
    const list = (this.lists[g] ??= new IntDeque(4));
    list.pushBack(s);
    this.length++;
    if (list.length === 1) this.headChanged(g);
  }

  insertOrdered(s: number, isAfter: (other: number) => boolean): void {
    const g = this.m.key[s] + 1;
    const list = (this.lists[g] ??= new IntDeque(4));
    const head = list.length > 0 ? list.peekFront() : -1;
    list.insertOrdered(s, isAfter);
    this.length++;
    if (list.peekFront() !== head) this.headChanged(g);
  }

  popFront(): number {
    return this.take(this.all, false);
  }

  peekFront(): number {
    const g = this.validTop(this.all, false);
    return this.lists[g]!.peekFront();
  }

  /** The oldest message whose group is free, removed; −1 if every waiting group is busy. */
  takeFree(): number {
    return this.free.size > 0 && this.validTop(this.free, true) >= 0
      ? this.take(this.free, true)
      : -1;
  }

  /** A group's in-flight message settled: its head may be dispatched again. */
  groupFreed(g: number): void {
    const list = this.lists[g];
    if (list !== null && list.length > 0) this.free.push(this.m.enqueueOrder[list.peekFront()], g);
  }

  popBack(): number {
    throw new Error('a queue with FIFO groups has no newest-first removal');
  }

  at(i: number): number {
    const slots: number[] = [];
    for (const list of this.lists)
      if (list) for (let k = 0; k < list.length; k++) slots.push(list.at(k));
    slots.sort((a, b) => this.m.enqueueOrder[a] - this.m.enqueueOrder[b]);
    return slots[i];
  }

  private take(heap: HeadHeap, needFree: boolean): number {
    const g = this.validTop(heap, needFree);
    heap.pop();
    const list = this.lists[g]!;
    const s = list.popFront();
    this.length--;
    if (list.length > 0) this.headChanged(g);
    return s;
  }

  /** Drops stale entries off a heap's top; the valid top's group, or −1 if none is left. */
  private validTop(heap: HeadHeap, needFree: boolean): number {
    while (heap.size > 0) {
      const g = heap.group[0];
      const list = this.lists[g];
      const current =
        list !== null &&
        list.length > 0 &&
        this.m.enqueueOrder[list.peekFront()] === heap.order[0] &&
        (!needFree || this.busy[g] === 0);
      if (current) return g;
      heap.pop();
    }
    return -1;
  }

  private headChanged(g: number): void {
    const order = this.m.enqueueOrder[this.lists[g]!.peekFront()];
    this.all.push(order, g);
    if (this.busy[g] === 0) this.free.push(order, g);
  }
}

/** What holdGroup needs of a queue (a QueueRt). */
export interface GroupedQueue {
  readonly groupBusy: Uint8Array | null;
  busyGroups: number;
  readonly grouped: GroupedReady | null;
}

/** Marks a message's group busy (or free again). */
export function holdGroup(m: MessageStore, q: GroupedQueue, s: number, busy: boolean): void {
  if (q.groupBusy === null) return;
  const g = m.key[s] + 1;
  if ((q.groupBusy[g] === 1) === busy) return;
  q.groupBusy[g] = busy ? 1 : 0;
  q.busyGroups += busy ? 1 : -1;
  if (!busy) q.grouped!.groupFreed(g);
}
