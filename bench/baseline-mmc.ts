// The speed baseline: a hand-written M/M/c discrete-event loop over typed arrays, with no broker
// semantics: one binary heap of (time, seq) events, a FIFO ring of waiting arrivals, c servers,
// Math.random and Math.log. What anyone would write for one queue in an afternoon: engine ÷
// baseline is how much of that speed the engine keeps while modelling a broker.

export interface BaselineResult {
  messages: number;
  meanWaitMs: number;
}

/** A minimal (time, seq)-ordered binary heap of event kinds over typed arrays. */
class TinyHeap {
  time = new Float64Array(1024);
  seq = new Float64Array(1024);
  kind = new Int32Array(1024);
  size = 0;
  private nextSeq = 0;

  push(t: number, kind: number): void {
    if (this.size === this.time.length) this.grow();
    const ht = this.time;
    const hs = this.seq;
    const hk = this.kind;
    const s = this.nextSeq++;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p] < t || (ht[p] === t && hs[p] < s)) break;
      ht[i] = ht[p];
      hs[i] = hs[p];
      hk[i] = hk[p];
      i = p;
    }
    ht[i] = t;
    hs[i] = s;
    hk[i] = kind;
  }

  /** Removes the root (read time[0] and kind[0] first). */
  pop(): void {
    const ht = this.time;
    const hs = this.seq;
    const hk = this.kind;
    const n = --this.size;
    const t = ht[n];
    const s = hs[n];
    const k = hk[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (ht[c + 1] < ht[c] || (ht[c + 1] === ht[c] && hs[c + 1] < hs[c]))) c++;
      if (t < ht[c] || (t === ht[c] && s < hs[c])) break;
      ht[i] = ht[c];
      hs[i] = hs[c];
      hk[i] = hk[c];
      i = c;
    }
    ht[i] = t;
    hs[i] = s;
    hk[i] = k;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const t = new Float64Array(n);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(n);
    s.set(this.seq);
    this.seq = s;
    const k = new Int32Array(n);
    k.set(this.kind);
    this.kind = k;
  }
}

/** A FIFO ring of arrival times. */
class TimeRing {
  buf = new Float64Array(1024);
  head = 0;
  length = 0;

  push(t: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      for (let i = 0; i < this.length; i++) bigger[i] = this.buf[(this.head + i) % this.buf.length];
      this.buf = bigger;
      this.head = 0;
    }
    let i = this.head + this.length++;
    if (i >= this.buf.length) i -= this.buf.length;
    this.buf[i] = t;
  }

  shift(): number {
    const t = this.buf[this.head++];
    if (this.head === this.buf.length) this.head = 0;
    this.length--;
    return t;
  }
}

/** An exponential gap in whole µs (1 − U is in (0, 1], so the log is finite). */
function exponentialUs(meanUs: number): number {
  return Math.round(-meanUs * Math.log(1 - Math.random()));
}

/** Simulates `messages` arrivals of an M/M/c queue; returns the mean queue wait. */
export function runBaselineMmc(
  ratePerSec: number,
  serviceMeanMs: number,
  servers: number,
  messages: number,
): BaselineResult {
  const meanGapUs = 1e6 / ratePerSec;
  const meanServiceUs = serviceMeanMs * 1000;
  const heap = new TinyHeap();
  const waiting = new TimeRing();
  let busy = 0;
  let arrived = 1;
  let served = 0;
  let waitSumUs = 0;
  heap.push(exponentialUs(meanGapUs), 0);
  while (heap.size > 0) {
    const clock = heap.time[0];
    const kind = heap.kind[0];
    heap.pop();
    if (kind === 0) {
      if (busy < servers) {
        busy++;
        heap.push(clock + exponentialUs(meanServiceUs), 1);
      } else waiting.push(clock);
      if (arrived < messages) {
        arrived++;
        heap.push(clock + exponentialUs(meanGapUs), 0);
      }
    } else {
      served++;
      if (waiting.length > 0) {
        waitSumUs += clock - waiting.shift();
        heap.push(clock + exponentialUs(meanServiceUs), 1);
      } else busy--;
    }
  }
  return { messages: served, meanWaitMs: waitSumUs / served / 1000 };
}
