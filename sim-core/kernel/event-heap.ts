// A binary min-heap of scheduled events over typed arrays, totally ordered by (time, sequence):
// events at the same time pop first-in-first-out. Payloads live in a pooled struct-of-arrays,
// so scheduling and popping allocate nothing once the arrays have grown.

const INITIAL_CAPACITY = 1024;

export class EventHeap {
  /** Heap-ordered keys and the pool slot of each entry's payload. */
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  private nextSeq = 0;

  /** Payload pool: kind and three integer arguments per event. */
  kind = new Int32Array(INITIAL_CAPACITY);
  argA = new Int32Array(INITIAL_CAPACITY);
  argB = new Int32Array(INITIAL_CAPACITY);
  argC = new Int32Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private poolUsed = 0;

  get length(): number {
    return this.size;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.heapTime[0] : Infinity;
  }

  /** Schedules an event; returns nothing because cancellation is done lazily by the model. */
  push(timeUs: number, kind: number, a: number, b: number, c: number): void {
    const slot = this.allocSlot();
    this.kind[slot] = kind;
    this.argA[slot] = a;
    this.argB[slot] = b;
    this.argC[slot] = c;
    if (this.size === this.heapTime.length) this.growHeap();
    this.siftUp(this.size++, timeUs, this.nextSeq++, slot);
  }

  /**
   * Removes the earliest event and returns its payload slot. The slot's fields stay readable
   * until the next push; call only when length > 0.
   */
  pop(): number {
    const top = this.heapSlot[0];
    const last = --this.size;
    if (last > 0) this.siftDown(this.heapTime[last], this.heapSeq[last], this.heapSlot[last]);
    this.freeSlots[this.freeCount++] = top;
    return top;
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount];
    if (this.poolUsed === this.kind.length) this.growPool();
    return this.poolUsed++;
  }

  private siftUp(index: number, time: number, seq: number, slot: number): void {
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hslot = this.heapSlot;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = ht[parent];
      if (pt < time || (pt === time && hs[parent] < seq)) break;
      ht[i] = pt;
      hs[i] = hs[parent];
      hslot[i] = hslot[parent];
      i = parent;
    }
    ht[i] = time;
    hs[i] = seq;
    hslot[i] = slot;
  }

  private siftDown(time: number, seq: number, slot: number): void {
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hslot = this.heapSlot;
    const n = this.size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (ht[right] < ht[child] || (ht[right] === ht[child] && hs[right] < hs[child]))
      )
        child = right;
      const ct = ht[child];
      if (time < ct || (time === ct && seq < hs[child])) break;
      ht[i] = ct;
      hs[i] = hs[child];
      hslot[i] = hslot[child];
      i = child;
    }
    ht[i] = time;
    hs[i] = seq;
    hslot[i] = slot;
  }

  private growHeap(): void {
    const n = this.heapTime.length * 2;
    this.heapTime = grow(this.heapTime, new Float64Array(n));
    this.heapSeq = grow(this.heapSeq, new Float64Array(n));
    this.heapSlot = grow(this.heapSlot, new Int32Array(n));
  }

  private growPool(): void {
    const n = this.kind.length * 2;
    this.kind = grow(this.kind, new Int32Array(n));
    this.argA = grow(this.argA, new Int32Array(n));
    this.argB = grow(this.argB, new Int32Array(n));
    this.argC = grow(this.argC, new Int32Array(n));
    this.freeSlots = grow(this.freeSlots, new Int32Array(n));
  }
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
