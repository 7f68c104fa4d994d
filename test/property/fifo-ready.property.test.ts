// GroupedReady (FIFO-group queues) against a plain array that scans, as the dispatch once did:
// after any sequence of enqueues, requeues, groups busy and freed, and takes, both give the
// same message each time.
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { GroupedReady, MessageStore } from '../../sim-core/index';
import { numRuns } from './runs';

type Op =
  | { op: 'enqueue'; key: number }
  | { op: 'requeue' }
  | { op: 'take' }
  | { op: 'popOldest' }
  | { op: 'toggle'; key: number };

const KEYS = 5;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('enqueue' as const), key: fc.integer({ min: -1, max: KEYS - 1 }) }),
  fc.record({ op: fc.constant('requeue' as const) }),
  fc.record({ op: fc.constant('take' as const) }),
  fc.record({ op: fc.constant('popOldest' as const) }),
  fc.record({ op: fc.constant('toggle' as const), key: fc.integer({ min: -1, max: KEYS - 1 }) }),
);

describe('GroupedReady', () => {
  test.prop([fc.array(opArb, { maxLength: 200 })], { numRuns })(
    'takes the oldest message of a free group, and the oldest overall, exactly as a scan would',
    (ops) => {
      const m = new MessageStore();
      const busy = new Uint8Array(KEYS + 1);
      const grouped = new GroupedReady(m, busy);
      let ready: number[] = []; // slots, oldest (lowest enqueue order) first
      const out: number[] = []; // taken, to requeue later
      let order = 0;
      const byOrder = (a: number, b: number) => m.enqueueOrder[a] - m.enqueueOrder[b];
      for (const o of ops) {
        if (o.op === 'enqueue') {
          const s = m.alloc();
          m.key[s] = o.key;
          m.enqueueOrder[s] = order++;
          grouped.pushBack(s);
          ready.push(s);
        } else if (o.op === 'requeue' && out.length > 0) {
          const s = out.shift()!;
          const at = m.enqueueOrder[s];
          grouped.insertOrdered(s, (other) => m.enqueueOrder[other] > at);
          ready = [...ready, s].sort(byOrder);
        } else if (o.op === 'take') {
          const i = ready.findIndex((s) => busy[m.key[s] + 1] === 0);
          const got = grouped.takeFree();
          expect(got).toBe(i < 0 ? -1 : ready[i]);
          if (i >= 0) out.push(...ready.splice(i, 1));
        } else if (o.op === 'popOldest' && ready.length > 0) {
          expect(grouped.peekFront()).toBe(ready[0]);
          expect(grouped.popFront()).toBe(ready[0]);
          out.push(ready.shift()!);
        } else if (o.op === 'toggle') {
          const g = o.key + 1;
          busy[g] = busy[g] === 1 ? 0 : 1;
          if (busy[g] === 0) grouped.groupFreed(g);
        }
        expect(grouped.length).toBe(ready.length);
        for (let k = 0; k < ready.length; k++) expect(grouped.at(k)).toBe(ready[k]);
      }
    },
  );
});
