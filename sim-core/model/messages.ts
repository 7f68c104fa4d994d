// Physical message instances as a pooled struct-of-arrays. A slot lives while anyone holds it:
// the broker (ready or unacked), a network hop, or a consumer (buffered or processing). Slots are
// reference-counted so a stale holder (a consumer still processing a timed-out delivery) never
// reads a reused slot. Copies: a producer retry accepted twice makes two physical instances of
// one copy; `copyOf` points both at the owner slot, which carries the copy's state: how often it
// was processed, how many holders could still process it, and its outcome once decided.

const INITIAL = 4096;

/** Broker-side state of a physical message. */
export const MsgState = {
  free: 0,
  /** Travelling to the broker, or outside any queue. */
  transit: 1,
  ready: 2,
  unacked: 3,
  /** Removed from the broker (acked, auto-acked, dead-lettered...); consumers may still hold it. */
  gone: 4,
  /** Waiting out a retry delay before becoming ready again. */
  delayed: 5,
} as const;

export const MsgFlag = {
  /** A dead-lettered copy in its dead-letter channel: counted per channel, not in totals. */
  secondary: 1,
  /** A record in a partitioned log: shared by every group; `queue` holds its partition. */
  logRecord: 2,
  /** The broker dealt this physical instance a fate (dead-lettered, lost...): it holds it no more. */
  ended: 4,
  /** On a copy's owner: the broker confirmed it to its producer (the confirm was not lost). */
  acknowledged: 8,
  /** On a copy's owner: the broker itself lost it (a transient broker's crash, a failover). */
  brokerLost: 16,
  /** Sent in a batch behind its first message: the broker's per-message work was the batch's. */
  batchFollower: 32,
} as const;

export class MessageStore {
  capacity = INITIAL;
  /** Slots in use. */
  live = 0;
  private freeList = new Int32Array(INITIAL);
  private freeCount = 0;
  private used = 0;

  producer = new Int32Array(INITIAL);
  seq = new Int32Array(INITIAL);
  key = new Int32Array(INITIAL);
  size = new Int32Array(INITIAL);
  /** Routing label (routing key and headers, interned by the router); 0 without exchanges. */
  label = new Int32Array(INITIAL);
  /** Message priority (0..255; priority queues). */
  priority = new Uint8Array(INITIAL);
  /** Delayed delivery (µs) still to wait at its queue; null unless some producer delays. */
  delayUs: Float64Array | null = null;

  /** Makes the delay column (before any message exists). */
  enableDelays(): void {
    this.delayUs = new Float64Array(this.capacity);
  }
  /** Internal queue index holding it, or -1. */
  queue = new Int32Array(INITIAL);
  copyOf = new Int32Array(INITIAL);
  refs = new Int32Array(INITIAL);
  deliveries = new Int32Array(INITIAL);
  /** Instance of the outstanding delivery, and its token (unique per delivery). */
  inst = new Int32Array(INITIAL);
  token = new Int32Array(INITIAL);
  /** Doubly linked list of an instance's unacked deliveries. */
  next = new Int32Array(INITIAL);
  prev = new Int32Array(INITIAL);
  state = new Uint8Array(INITIAL);
  /** Completed processings of this copy (on the owner slot), saturating at 255. */
  processed = new Uint8Array(INITIAL);
  /** The copy's outcome once decided (Ev.processed or a fate's Ev kind), or 0 (on the owner slot). */
  outcome = new Uint8Array(INITIAL);
  /**
   * A fate the broker gave the copy while a consumer still held it (on the owner slot): the
   * outcome if that holder lets go unprocessed; 0 if none.
   */
  tentative = new Uint8Array(INITIAL);
  /**
   * Holders that could still get the copy processed (on the owner slot): its physical instances
   * the broker holds, plus its deliveries in consumers' hands.
   */
  alive = new Int32Array(INITIAL);
  /** MsgFlag bits. */
  flags = new Uint8Array(INITIAL);
  /** First intended send time, and the chain origin's. */
  publishUs = new Float64Array(INITIAL);
  originUs = new Float64Array(INITIAL);
  /** Enqueue time (TTL), and enqueue order within its queue (requeue to the original position). */
  enqueueUs = new Float64Array(INITIAL);
  enqueueOrder = new Int32Array(INITIAL);

  /** Allocates a slot with refs = 1, state transit, no queue, owner of its own copy. */
  alloc(): number {
    let s: number;
    if (this.freeCount > 0) s = this.freeList[--this.freeCount];
    else {
      if (this.used === this.capacity) this.grow();
      s = this.used++;
    }
    this.live++;
    this.refs[s] = 1;
    this.state[s] = MsgState.transit;
    this.queue[s] = -1;
    this.copyOf[s] = s;
    this.deliveries[s] = 0;
    this.processed[s] = 0;
    this.outcome[s] = 0;
    this.tentative[s] = 0;
    this.alive[s] = 0;
    this.flags[s] = 0;
    this.inst[s] = -1;
    this.token[s] = 0;
    this.next[s] = -1;
    this.prev[s] = -1;
    return s;
  }

  /** Drops one reference; frees the slot at zero. Returns true if freed. */
  release(s: number): boolean {
    if (--this.refs[s] > 0) return false;
    this.state[s] = MsgState.free;
    this.freeList[this.freeCount++] = s;
    this.live--;
    // A further physical instance of a copy holds its owner slot (where the copy's state lives).
    const owner = this.copyOf[s];
    if (owner !== s) this.release(owner);
    return true;
  }

  /** Copies the message identity and timing fields from one slot into another. */
  copyIdentity(from: number, to: number): void {
    this.producer[to] = this.producer[from];
    this.seq[to] = this.seq[from];
    this.key[to] = this.key[from];
    this.size[to] = this.size[from];
    this.label[to] = this.label[from];
    this.priority[to] = this.priority[from];
    if (this.delayUs !== null) this.delayUs[to] = this.delayUs[from];
    this.publishUs[to] = this.publishUs[from];
    this.originUs[to] = this.originUs[from];
    // What the broker did with one copy (confirmed it, lost it) is not another copy's.
    this.flags[to] =
      this.flags[from] & ~(MsgFlag.acknowledged | MsgFlag.brokerLost | MsgFlag.batchFollower);
  }

  /** Grows by 1.5× to keep the backlog's memory per message low. */
  private grow(): void {
    const n = Math.ceil(this.capacity * 1.5);
    this.capacity = n;
    this.freeList = growI32(this.freeList, n);
    this.producer = growI32(this.producer, n);
    this.seq = growI32(this.seq, n);
    this.key = growI32(this.key, n);
    this.size = growI32(this.size, n);
    this.label = growI32(this.label, n);
    this.priority = growU8(this.priority, n);
    if (this.delayUs !== null) this.delayUs = growF64(this.delayUs, n);
    this.queue = growI32(this.queue, n);
    this.copyOf = growI32(this.copyOf, n);
    this.refs = growI32(this.refs, n);
    this.deliveries = growI32(this.deliveries, n);
    this.inst = growI32(this.inst, n);
    this.token = growI32(this.token, n);
    this.next = growI32(this.next, n);
    this.prev = growI32(this.prev, n);
    this.processed = growU8(this.processed, n);
    this.outcome = growU8(this.outcome, n);
    this.tentative = growU8(this.tentative, n);
    this.alive = growI32(this.alive, n);
    this.flags = growU8(this.flags, n);
    this.state = growU8(this.state, n);
    this.publishUs = growF64(this.publishUs, n);
    this.originUs = growF64(this.originUs, n);
    this.enqueueUs = growF64(this.enqueueUs, n);
    this.enqueueOrder = growI32(this.enqueueOrder, n);
  }
}

function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function growU8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/** The enqueued event's aux for a new copy: 2 for a dead-lettered (secondary) copy, else 0. */
export function copyAux(m: MessageStore, s: number): number {
  return (m.flags[s] & MsgFlag.secondary) !== 0 ? 2 : 0;
}
