// What the lab can colour a message dot by besides its delivery state: the message's routing key
// or its priority, as a small class number per event (0: none; k: the legend's k-th entry).
// Events carry the priority but not the routing label, so keys are derived here: a producer
// draws one label per new message, in sequence order, from its own named stream; replaying that
// stream with the producer's own (pure) picker gives message n's label. test/lab checks the
// derived keys against the queues each message reached.

import { streamFor } from '../../sim-core/index';
import type { Rng, State } from '../../sim-core/index';
import { CLASS_COLOURS } from '../topology/palette';

/** Dot classes at most (the palette's size); past it the last class stands for the rest. */
export const MAX_CLASSES = CLASS_COLOURS.length;

/** A producer's label draws, replayed: class per sequence number (index = seq; seq ≥ 1). */
interface Replay {
  next(rngKey: Rng, rngHeaders: Rng): number;
  rngKey: Rng;
  rngHeaders: Rng;
  drawn: number;
  classes: Uint8Array;
}

export class MessageClasses {
  /** Routing keys by class (class k is keys[k − 1]); empty when keys do not vary. */
  readonly keys: string[] = [];
  /** Priorities by class, ascending; empty when no producer sets priorities. */
  readonly priorities: number[] = [];
  /** Class of each priority 0..255. */
  private readonly priorityTable = new Uint8Array(256);
  /** Per sender: its replayed label draws (producers), or null. */
  private readonly replays: Array<Replay | null> = [];
  /** Per sender: a constant key class (emitting consumers' key is their id), or 0. */
  private readonly constant: Uint8Array;

  constructor(st: State) {
    const s = st.scenario;
    const senders = st.producers.length + st.consumers.filter((c) => c.sender >= 0).length;
    this.constant = new Uint8Array(Math.max(senders, 1));
    this.setUpPriorities(st);
    const router = st.router;
    if (router === null) return;
    const keyOf = (def: (typeof s.producers)[number]): string[] =>
      def.routingKey === null
        ? [def.id]
        : def.routingKey.kind === 'constant'
          ? [def.routingKey.value]
          : def.routingKey.values;
    const keys = new Set<string>();
    st.producers.forEach((p, i) => {
      if (p.labels !== null) for (const k of keyOf(s.producers[i])) keys.add(k);
    });
    st.consumers.forEach((c, i) => c.sender >= 0 && keys.add(s.consumers[i].id));
    if (keys.size < 2) return;
    this.keys.push(...keys);
    const classOfKey = (key: string) => Math.min(this.keys.indexOf(key) + 1, MAX_CLASSES);
    const labelClass = router.labels.map((l) => classOfKey(l.key));
    st.producers.forEach((p, i) => {
      const picker = p.labels;
      if (picker === null) return this.replays.push(null);
      const id = s.producers[i].id;
      this.replays.push({
        next: (k, h) => labelClass[picker.next(k, h)],
        rngKey: streamFor(st.seed, id, 'routing-key'),
        rngHeaders: streamFor(st.seed, id, 'headers'),
        drawn: 0,
        classes: new Uint8Array(1024),
      });
    });
    st.consumers.forEach((c, i) => {
      if (c.sender >= 0) this.constant[c.sender] = classOfKey(s.consumers[i].id);
    });
  }

  /** The routing-key class of message (sender, seq), or 0. */
  keyClass(sender: number, seq: number): number {
    if (this.keys.length === 0 || sender < 0) return 0;
    const r = this.replays[sender];
    if (!r) return this.constant[sender] ?? 0;
    while (r.drawn < seq) {
      const n = ++r.drawn;
      if (n >= r.classes.length) {
        const bigger = new Uint8Array(r.classes.length * 2);
        bigger.set(r.classes);
        r.classes = bigger;
      }
      r.classes[n] = r.next(r.rngKey, r.rngHeaders);
    }
    return r.classes[seq];
  }

  /** The class of a priority, or 0 when priorities are not coloured. */
  priorityClass(priority: number): number {
    return this.priorityTable[priority] ?? 0;
  }

  private setUpPriorities(st: State): void {
    const values = new Set<number>();
    for (const def of st.scenario.producers) {
      const p = def.priority;
      if (p === null) values.add(0);
      else if (p.kind === 'constant') values.add(p.value);
      else for (const v of p.values) values.add(v);
    }
    if (!st.scenario.producers.some((def) => def.priority !== null) || values.size < 2) return;
    this.priorities.push(...[...values].sort((a, b) => a - b));
    this.priorities.forEach((v, k) => (this.priorityTable[v] = Math.min(k + 1, MAX_CLASSES)));
  }
}
