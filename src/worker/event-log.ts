// Every event of the run, in columns, for the message inspector and the frames sent to the lab.
// Bounded: when full it forgets its older half, so a long run costs fixed memory; the inspector
// then says from when its history is kept.

import { ALL_EVENTS, Ev, messageIdHash } from '../../sim-core/index';
import type { SimEvent, SimObserver } from '../../sim-core/index';
import type { EventColumns } from '../shared/protocol';
import type { MessageClasses } from './message-classes';

const DEFAULT_CAPACITY = 1 << 20;

export class EventLog implements SimObserver {
  readonly kinds = ALL_EVENTS;
  /** Index (since the run started) of the oldest kept event. */
  firstIndex = 0;
  /** Events logged since the run started. */
  total = 0;
  private kind: Uint8Array;
  private timeUs: Float64Array;
  private where: Int32Array;
  private aux: Float64Array;
  private sender: Int32Array;
  private seq: Int32Array;
  /**
   * Keep only 1 message in (mask + 1) (a power of two; 0 keeps all): at "max" the lab records
   * the sampled messages' histories only, which spares the engine most of the logging.
   */
  sampleMask = 0;
  /** `total` when an event was last skipped (logged while sampleMask was set); −1: never. */
  skippedAt = -1;
  /** Scratch for slice(): indices of the events a frame keeps. */
  private picked = new Int32Array(0);
  /** The dot classes the frames carry (routing key, priority); null: none. */
  private classes: MessageClasses | null = null;
  /** Each event's message priority, kept only when priorities are coloured (else null). */
  private priority: Uint8Array | null = null;
  /** Each event's routing-key class, kept only when keys are coloured (else null). */
  private keyClass: Uint8Array | null = null;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    this.kind = new Uint8Array(capacity);
    this.timeUs = new Float64Array(capacity);
    this.where = new Int32Array(capacity);
    this.aux = new Float64Array(capacity);
    this.sender = new Int32Array(capacity);
    this.seq = new Int32Array(capacity);
  }

  /** Gives frames dot classes from now on (before the run's first event). */
  colourWith(classes: MessageClasses): void {
    this.classes = classes;
    this.priority = classes.priorities.length > 0 ? new Uint8Array(this.capacity) : null;
    this.keyClass = classes.keys.length > 0 ? new Uint8Array(this.capacity) : null;
  }

  onEvent(ev: SimEvent): void {
    // Losses are kept whatever the sample: a broker crash's thousands show as one burst, counted.
    if (
      this.sampleMask !== 0 &&
      ev.sender >= 0 &&
      ev.kind !== Ev.lost &&
      (messageIdHash(ev.sender, ev.seq) & this.sampleMask) !== 0
    ) {
      this.skippedAt = this.total;
      return;
    }
    let i = this.total - this.firstIndex;
    if (i === this.capacity) {
      this.forgetOlderHalf();
      i = this.total - this.firstIndex;
    }
    this.kind[i] = ev.kind;
    this.timeUs[i] = ev.timeUs;
    this.where[i] = ev.where;
    this.aux[i] = ev.aux;
    this.sender[i] = ev.sender;
    this.seq[i] = ev.sender >= 0 ? ev.seq : -1;
    if (this.priority !== null) this.priority[i] = ev.priority;
    if (this.keyClass !== null) this.keyClass[i] = this.classes!.keyClass(ev.label);
    this.total++;
  }

  /** Whether some kept messages' events were skipped (logged while sampleMask was set). */
  get partial(): boolean {
    return this.skippedAt >= this.firstIndex;
  }

  /**
   * Back to how the log stood when it had logged `total` events (a checkpoint's, of this same
   * run): later events are void and the run logs them again. What was forgotten stays forgotten.
   */
  rewindTo(total: number, skippedAt: number): void {
    if (total < this.firstIndex) this.firstIndex = total;
    this.total = total;
    this.skippedAt = skippedAt;
  }

  /** Time of the oldest kept event (0 while nothing has been forgotten). */
  get keptFromUs(): number {
    return this.firstIndex === 0 ? 0 : this.timeUs[0];
  }

  /**
   * Copies events [from, total) into fresh columns, keeping non-message events, losses and the
   * events of 1 message in `sampleEvery` (a power of two; chosen by id, so a kept message keeps its whole
   * journey, and a thinner sample is a subset of a denser one).
   */
  slice(from: number, sampleEvery: number): EventColumns {
    const start = Math.max(from, this.firstIndex) - this.firstIndex;
    const end = this.total - this.firstIndex;
    // One pass picks the kept events (hashing each message once), a second copies them.
    if (this.picked.length < end - start) this.picked = new Int32Array(end - start);
    const picked = this.picked;
    let n = 0;
    if (sampleEvery <= 1) for (let i = start; i < end; i++) picked[n++] = i;
    else {
      const mask = sampleEvery - 1; // a power of two
      for (let i = start; i < end; i++) {
        const q = this.seq[i];
        if (q < 0 || this.kind[i] === Ev.lost || (messageIdHash(this.sender[i], q) & mask) === 0)
          picked[n++] = i;
      }
    }
    const out: EventColumns = {
      count: n,
      kind: new Uint8Array(n),
      timeUs: new Float64Array(n),
      where: new Int32Array(n),
      aux: new Float64Array(n),
      sender: new Int32Array(n),
      seq: new Int32Array(n),
      keyClass: new Uint8Array(this.keyClass !== null ? n : 0),
      priorityClass: new Uint8Array(this.priority !== null ? n : 0),
    };
    for (let j = 0; j < n; j++) {
      const i = picked[j];
      out.kind[j] = this.kind[i];
      out.timeUs[j] = this.timeUs[i];
      out.where[j] = this.where[i];
      out.aux[j] = this.aux[i];
      out.sender[j] = this.sender[i];
      out.seq[j] = this.seq[i];
    }
    this.fillClasses(out, picked);
    return out;
  }

  /** The dot classes of the picked events (a frame's, not the engine's, time). */
  private fillClasses(out: EventColumns, picked: Int32Array): void {
    const c = this.classes;
    if (c === null) return;
    const keyClass = this.keyClass;
    if (keyClass !== null)
      for (let j = 0; j < out.count; j++)
        if (out.seq[j] >= 0) out.keyClass[j] = keyClass[picked[j]];
    const priority = this.priority;
    if (priority !== null)
      for (let j = 0; j < out.count; j++)
        if (out.seq[j] >= 0) out.priorityClass[j] = c.priorityClass(priority[picked[j]]);
  }

  /** Indices of the kept events of each of some messages, oldest first: one pass over the log. */
  eventsOf(messages: ReadonlyArray<{ sender: number; seq: number }>): number[][] {
    const out = messages.map((): number[] => []);
    const end = this.total - this.firstIndex;
    const seq = this.seq;
    // A few messages (a chain's level): compared directly, the sequence number first, as it
    // rules out nearly every event (a Map lookup per event: ~5× the CPU time over 1M events).
    for (let i = 0; i < end; i++) {
      const q = seq[i];
      if (q < 0) continue;
      for (let k = 0; k < messages.length; k++)
        if (messages[k].seq === q && messages[k].sender === this.sender[i]) out[k].push(i);
    }
    return out;
  }

  /**
   * The messages published right after the processing logged at `i` by `sender` (its consumer's
   * onward emits): the engine emits them within the processing's instant, before any other
   * processing ends. Indices of their `published` events.
   */
  emittedAfter(i: number, sender: number): number[] {
    const out: number[] = [];
    const end = this.total - this.firstIndex;
    const t = this.timeUs[i];
    for (let j = i + 1; j < end && this.timeUs[j] === t; j++) {
      const k = this.kind[j];
      if (k === Ev.processed || k === Ev.reprocessed) break;
      if (k === Ev.published && this.sender[j] === sender) out.push(j);
    }
    return out;
  }

  /** The processing that published the message at `i` (see emittedAfter), or −1. */
  processingBefore(i: number): number {
    const t = this.timeUs[i];
    for (let j = i - 1; j >= 0 && this.timeUs[j] === t; j--) {
      const k = this.kind[j];
      if (k === Ev.processed || k === Ev.reprocessed) return j;
    }
    return -1;
  }

  /** The message an event is about (sender −1: none). */
  messageOf(i: number): { sender: number; seq: number } {
    return { sender: this.sender[i], seq: this.seq[i] };
  }

  entry(i: number) {
    return {
      timeUs: this.timeUs[i],
      kind: this.kind[i],
      where: this.where[i],
      aux: this.aux[i],
    };
  }

  private forgetOlderHalf(): void {
    const half = this.capacity >>> 1;
    for (const col of [this.kind, this.timeUs, this.where, this.aux, this.sender, this.seq])
      col.copyWithin(0, half);
    this.priority?.copyWithin(0, half);
    this.keyClass?.copyWithin(0, half);
    this.firstIndex += half;
  }
}
