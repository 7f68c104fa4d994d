// What the lab can colour a message dot by besides its delivery state: the message's routing key
// or its priority, as a small class number per event (0: none; k: the legend's k-th entry). An
// event names its message's routing label (interned by the router) and its priority.

import type { State } from '../../sim-core/index';
import { CLASS_COLOURS } from '../topology/palette';

/** Dot classes at most (the palette's size); past it the last class stands for the rest. */
export const MAX_CLASSES = CLASS_COLOURS.length;

export class MessageClasses {
  /** Routing keys by class (class k is keys[k − 1]); empty when keys do not vary. */
  readonly keys: string[] = [];
  /** Priorities by class, ascending; empty when no producer sets priorities. */
  readonly priorities: number[] = [];
  /** Class of each priority 0..255. */
  private readonly priorityTable = new Uint8Array(256);
  /** Class of each routing label (index: the router's label). */
  private readonly labelTable: Uint8Array;

  constructor(st: State) {
    const s = st.scenario;
    this.setUpPriorities(st);
    const router = st.router;
    this.labelTable = new Uint8Array(router?.labels.length ?? 0);
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
    router.labels.forEach((l, i) => {
      const k = this.keys.indexOf(l.key);
      this.labelTable[i] = k < 0 ? 0 : Math.min(k + 1, MAX_CLASSES);
    });
  }

  /** The routing-key class of a message's routing label, or 0. */
  keyClass(label: number): number {
    return this.labelTable[label] ?? 0;
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
