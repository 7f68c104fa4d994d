// A growable ring-buffer deque of int32 values (message slots, instance indices). O(1) at both
// ends; grows by 1.5× and never shrinks, so steady-state use allocates nothing.

export class IntDeque {
  private buf: Int32Array;
  private head = 0;
  length = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(capacity);
  }

  pushBack(v: number): void {
    if (this.length === this.buf.length) this.grow();
    const cap = this.buf.length;
    let i = this.head + this.length;
    if (i >= cap) i -= cap;
    this.buf[i] = v;
    this.length++;
  }

  pushFront(v: number): void {
    if (this.length === this.buf.length) this.grow();
    const cap = this.buf.length;
    this.head = this.head === 0 ? cap - 1 : this.head - 1;
    this.buf[this.head] = v;
    this.length++;
  }

  /** Removes and returns the front value; call only when length > 0. */
  popFront(): number {
    const v = this.buf[this.head];
    this.head++;
    if (this.head === this.buf.length) this.head = 0;
    this.length--;
    return v;
  }

  /** Removes and returns the back value; call only when length > 0. */
  popBack(): number {
    this.length--;
    let i = this.head + this.length;
    if (i >= this.buf.length) i -= this.buf.length;
    return this.buf[i];
  }

  peekFront(): number {
    return this.buf[this.head];
  }

  /** The i-th value from the front (0-based); call only with i < length. */
  at(i: number): number {
    let j = this.head + i;
    if (j >= this.buf.length) j -= this.buf.length;
    return this.buf[j];
  }

  /** Overwrites the i-th value from the front. */
  setAt(i: number, v: number): void {
    let j = this.head + i;
    if (j >= this.buf.length) j -= this.buf.length;
    this.buf[j] = v;
  }

  /**
   * Inserts v before the first element for which `isAfter(element)` is true, scanning from the
   * front (requeue to the original position: usually at or near the head, so usually O(1)).
   */
  insertOrdered(v: number, isAfter: (element: number) => boolean): void {
    let pos = 0;
    while (pos < this.length && !isAfter(this.at(pos))) pos++;
    this.insertAt(pos, v);
  }

  /** Inserts v at position pos, shifting whichever side is shorter. */
  insertAt(pos: number, v: number): void {
    if (pos < this.length >> 1) {
      this.pushFront(v);
      for (let i = 0; i < pos; i++) this.setAt(i, this.at(i + 1));
    } else {
      this.pushBack(v);
      for (let i = this.length - 1; i > pos; i--) this.setAt(i, this.at(i - 1));
    }
    this.setAt(pos, v);
  }

  /** Removes the value at position i, keeping order. */
  removeAt(i: number): number {
    const v = this.at(i);
    for (let k = i; k < this.length - 1; k++) this.setAt(k, this.at(k + 1));
    this.length--;
    return v;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const cap = this.buf.length;
    const next = new Int32Array(Math.max(16, Math.ceil(cap * 1.5)));
    for (let i = 0; i < this.length; i++) {
      let j = this.head + i;
      if (j >= cap) j -= cap;
      next[i] = this.buf[j];
    }
    this.buf = next;
    this.head = 0;
  }
}

/** A growable FIFO of float64 values (times in µs, which outgrow int32 after 35 minutes). */
export class F64Fifo {
  private buf: Float64Array;
  private head = 0;
  length = 0;

  constructor(capacity = 16) {
    this.buf = new Float64Array(capacity);
  }

  pushBack(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(Math.ceil(this.buf.length * 1.5));
      for (let i = 0; i < this.length; i++) next[i] = this.at(i);
      this.buf = next;
      this.head = 0;
    }
    let i = this.head + this.length;
    if (i >= this.buf.length) i -= this.buf.length;
    this.buf[i] = v;
    this.length++;
  }

  /** Removes and returns the front value; call only when length > 0. */
  popFront(): number {
    const v = this.buf[this.head];
    this.head++;
    if (this.head === this.buf.length) this.head = 0;
    this.length--;
    return v;
  }

  peekFront(): number {
    return this.buf[this.head];
  }

  /** The i-th value from the front (0-based); call only with i < length. */
  at(i: number): number {
    let j = this.head + i;
    if (j >= this.buf.length) j -= this.buf.length;
    return this.buf[j];
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }
}
