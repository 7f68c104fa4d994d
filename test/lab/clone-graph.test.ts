// cloneGraph copies a run's object graph for a checkpoint: classes, cycles and shared references
// survive, copies are independent of the original, and what cannot be copied faithfully fails.

import { describe, expect, it } from 'vitest';
import { cloneGraph } from '../../src/worker/clone-graph';

class Counter {
  n = 0;
  readonly hits = new Float64Array(3);
  peer: Counter | null = null;
  bump(): number {
    this.hits[this.n % 3]++;
    return ++this.n;
  }
}

describe('cloneGraph', () => {
  it('keeps classes, cycles and shared references, and the copy is independent', () => {
    const a = new Counter();
    const b = new Counter();
    a.peer = b;
    b.peer = a; // a cycle
    a.bump();
    const root = { both: [a, b], again: a, byName: new Map([['a', a]]), set: new Set([b]) };
    const c = cloneGraph(root, new Set());
    expect(c.both[0]).toBeInstanceOf(Counter);
    expect(c.both[0]).not.toBe(a);
    expect(c.again).toBe(c.both[0]); // one object stays one object
    expect(c.both[0].peer).toBe(c.both[1]);
    expect(c.both[1].peer).toBe(c.both[0]);
    expect(c.byName.get('a')).toBe(c.both[0]);
    expect([...c.set][0]).toBe(c.both[1]);
    expect(c.both[0].bump()).toBe(2); // methods work on the copy's own state
    expect(a.n).toBe(1);
    expect([...a.hits]).toEqual([1, 0, 0]);
    expect([...c.both[0].hits]).toEqual([1, 1, 0]);
  });

  it('references what is shared instead of copying it', () => {
    const kept = { points: [1, 2] };
    const c = cloneGraph({ kept, own: { points: [3] } }, new Set([kept]));
    expect(c.kept).toBe(kept);
    c.own.points.push(4);
    expect(c.own.points).toEqual([3, 4]);
  });

  it('refuses a closure, which would keep working on the original', () => {
    const state = { n: 0 };
    expect(() => cloneGraph({ inner: { tick: () => state.n++ } }, new Set())).toThrow(
      /function at root\.inner\.tick/,
    );
  });
});
