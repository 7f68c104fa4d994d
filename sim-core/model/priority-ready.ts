// The ready messages of a priority queue (RabbitMQ's x-max-priority): one FIFO per priority
// level, the highest non-empty level served first. A message's priority is capped at the
// queue's maximum, as RabbitMQ does; within a level, order is as in a plain queue.

import type { ReadyQueue } from './fifo-groups';
import type { MessageStore } from './messages';
import { IntDeque } from './ring';

export class PriorityReady implements ReadyQueue {
  private readonly levels: IntDeque[];
  length = 0;
  /** Highest level that may be non-empty (a bound: levels above it are empty). */
  private top = 0;

  constructor(
    private readonly maxPriority: number,
    private readonly msgs: MessageStore,
  ) {
    this.levels = Array.from({ length: maxPriority + 1 }, () => new IntDeque(16));
  }

  private levelOf(s: number): number {
    const p = this.msgs.priority[s];
    return p > this.maxPriority ? this.maxPriority : p;
  }

  /** The highest non-empty level; call only when length > 0. */
  private highest(): IntDeque {
    while (this.levels[this.top].length === 0) this.top--;
    return this.levels[this.top];
  }

  pushBack(s: number): void {
    const level = this.levelOf(s);
    this.levels[level].pushBack(s);
    if (level > this.top) this.top = level;
    this.length++;
  }

  popFront(): number {
    this.length--;
    return this.highest().popFront();
  }

  peekFront(): number {
    return this.highest().peekFront();
  }

  popBack(): number {
    // Only direct calls pop from the back, and a direct channel has no priorities.
    throw new Error('a priority queue has no back to pop');
  }

  insertOrdered(s: number, isAfter: (other: number) => boolean): void {
    const level = this.levelOf(s);
    this.levels[level].insertOrdered(s, isAfter);
    if (level > this.top) this.top = level;
    this.length++;
  }

  /** The i-th in dispatch order (tests and snapshots). */
  at(i: number): number {
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const q = this.levels[level];
      if (i < q.length) return q.at(i);
      i -= q.length;
    }
    throw new RangeError(`no ready message at ${i}`);
  }
}
