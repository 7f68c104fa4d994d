// A FIFO of (deadline µs, message slot, delivery token) in one growable ring. Used for ack
// timeouts: with one timeout per queue, deadlines arrive in order, so a FIFO plus one armed
// timer replaces a heap entry per delivery; acked entries are skipped lazily.

export class DeadlineFifo {
  private deadline = new Float64Array(256);
  private slot = new Int32Array(256);
  private token = new Int32Array(256);
  private head = 0;
  length = 0;

  push(deadlineUs: number, slot: number, token: number): void {
    if (this.length === this.slot.length) this.grow();
    let i = this.head + this.length;
    if (i >= this.slot.length) i -= this.slot.length;
    this.deadline[i] = deadlineUs;
    this.slot[i] = slot;
    this.token[i] = token;
    this.length++;
  }

  headDeadline(): number {
    return this.deadline[this.head];
  }
  headSlot(): number {
    return this.slot[this.head];
  }
  headToken(): number {
    return this.token[this.head];
  }

  /** Drops the head entry; call only when length > 0. */
  shift(): void {
    this.head++;
    if (this.head === this.slot.length) this.head = 0;
    this.length--;
  }

  private grow(): void {
    const cap = this.slot.length;
    const n = Math.ceil(cap * 1.5);
    const d = new Float64Array(n);
    const s = new Int32Array(n);
    const t = new Int32Array(n);
    for (let k = 0; k < this.length; k++) {
      let j = this.head + k;
      if (j >= cap) j -= cap;
      d[k] = this.deadline[j];
      s[k] = this.slot[j];
      t[k] = this.token[j];
    }
    this.deadline = d;
    this.slot = s;
    this.token = t;
    this.head = 0;
  }
}
