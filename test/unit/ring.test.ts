import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { IntDeque, DeadlineFifo } from '../../sim-core/index';

const runs = Number(process.env.BROKERLAB_DEEP ? 2000 : 200);

const op = fc.oneof(
  fc.record({ op: fc.constant('pushBack' as const), v: fc.integer() }),
  fc.record({ op: fc.constant('pushFront' as const), v: fc.integer() }),
  fc.record({ op: fc.constant('popFront' as const) }),
  fc.record({ op: fc.constant('popBack' as const) }),
  fc.record({ op: fc.constant('insertAt' as const), v: fc.integer(), at: fc.nat() }),
  fc.record({ op: fc.constant('removeAt' as const), at: fc.nat() }),
);

describe('IntDeque', () => {
  test.prop([fc.array(op, { maxLength: 300 })], { numRuns: runs })(
    'behaves like an array used as a deque',
    (ops) => {
      const d = new IntDeque(2);
      const model: number[] = [];
      for (const o of ops) {
        if (o.op === 'pushBack') {
          d.pushBack(o.v);
          model.push(o.v);
        } else if (o.op === 'pushFront') {
          d.pushFront(o.v);
          model.unshift(o.v);
        } else if (o.op === 'insertAt') {
          const at = o.at % (model.length + 1);
          d.insertAt(at, o.v);
          model.splice(at, 0, o.v);
        } else if (model.length === 0) continue;
        else if (o.op === 'popFront') expect(d.popFront()).toBe(model.shift());
        else if (o.op === 'popBack') expect(d.popBack()).toBe(model.pop());
        else {
          const at = o.at % model.length;
          expect(d.removeAt(at)).toBe(model.splice(at, 1)[0]);
        }
        expect(d.length).toBe(model.length);
      }
      expect(Array.from({ length: d.length }, (_, i) => d.at(i))).toEqual(model);
    },
  );

  it('inserts in order before the first element that should come after', () => {
    const d = new IntDeque(4);
    for (const v of [2, 4, 6, 8]) d.pushBack(v);
    d.insertOrdered(5, (x) => x > 5);
    d.insertOrdered(1, (x) => x > 1);
    d.insertOrdered(9, (x) => x > 9);
    expect(Array.from({ length: d.length }, (_, i) => d.at(i))).toEqual([1, 2, 4, 5, 6, 8, 9]);
  });
});

describe('DeadlineFifo', () => {
  it('returns entries first in, first out across growth', () => {
    const f = new DeadlineFifo();
    for (let i = 0; i < 1000; i++) f.push(i * 10, i, -i - 1);
    for (let i = 0; i < 1000; i++) {
      expect([f.headDeadline(), f.headSlot(), f.headToken()]).toEqual([i * 10, i, -i - 1]);
      f.shift();
    }
    expect(f.length).toBe(0);
  });
});
