import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { EventHeap } from '../../sim-core/index';

const runs = Number(process.env.BROKERLAB_DEEP ? 2000 : 200);

describe('EventHeap', () => {
  it('pops events at the same time in insertion order (FIFO)', () => {
    const h = new EventHeap();
    for (let i = 0; i < 100; i++) h.push(5, 1, i, 0, 0);
    const order: number[] = [];
    while (h.length > 0) order.push(h.argA[h.pop()]);
    expect(order).toEqual([...Array(100).keys()]);
  });

  it('keeps payloads intact through growth past its initial capacity', () => {
    const h = new EventHeap();
    for (let i = 0; i < 5000; i++) h.push(5000 - i, i % 7, i, -i - 1, i * 2);
    let last = -Infinity;
    let n = 0;
    while (h.length > 0) {
      const t = h.peekTime();
      const s = h.pop();
      const i = h.argA[s];
      expect(t).toBe(5000 - i);
      expect([h.kind[s], h.argB[s], h.argC[s]]).toEqual([i % 7, -i - 1, i * 2]);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      n++;
    }
    expect(n).toBe(5000);
  });

  test.prop(
    [fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 400 })],
    { numRuns: runs },
  )(
    'pops in (time, insertion sequence) order whatever the interleaving of pushes and pops',
    (ops) => {
      const h = new EventHeap();
      const model: Array<{ t: number; id: number }> = [];
      let id = 0;
      for (const op of ops) {
        if (op >= 0) {
          h.push(op, 0, id, 0, 0);
          model.push({ t: op, id: id++ });
        } else if (model.length > 0) {
          model.sort((a, b) => a.t - b.t || a.id - b.id);
          const want = model.shift()!;
          expect(h.peekTime()).toBe(want.t);
          expect(h.argA[h.pop()]).toBe(want.id);
        }
      }
      expect(h.length).toBe(model.length);
    },
  );
});
