// The report's traceHash: a fold of the whole event stream into one 64-bit hash (hash.ts), so
// the same scenario and seed give the same hex on any machine and in any JavaScript engine.

import { ALL_EVENTS } from '../model/events';
import type { SimEvent, SimObserver } from '../model/events';
import { TraceHash } from '../hash';

/**
 * Folds each event into two 32-bit words (kind, where and message id; time and aux) before
 * mixing: four times cheaper than mixing every field, and any single differing field still
 * changes the hash.
 */
export class TraceHashObserver implements SimObserver {
  readonly kinds = ALL_EVENTS;
  private readonly hash = new TraceHash();

  onEvent(ev: SimEvent): void {
    let id = Math.imul(ev.kind, 0x9e3779b1) ^ Math.imul(ev.where + 1, 0x85ebca77);
    if (ev.sender >= 0) id ^= Math.imul(ev.sender + 1, 0xc2b2ae3d) + Math.imul(ev.seq, 0x27d4eb2f);
    const timeUs = ev.timeUs;
    const aux = ev.aux;
    const hi = Math.floor(timeUs / 4294967296);
    let t = (timeUs >>> 0) ^ Math.imul(hi, 0x165667b1);
    if (aux !== 0)
      t ^= Math.imul(aux >>> 0, 0xd3a2646c) ^ Math.imul(Math.floor(aux / 4294967296), 0xfd7046c5);
    this.hash.mixInt(id);
    this.hash.mixInt(t);
  }

  hex(): string {
    return this.hash.hex();
  }
}
