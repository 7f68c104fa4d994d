// Routing conserves copies: whatever the exchanges (a chain of direct, topic, fanout exchanges
// binding each other and queues, with alternates), each message enters every distinct queue its
// routing key reaches exactly once, and a message that reaches none is counted unroutable. The
// oracle matches topic patterns by backtracking, independently of the engine's matcher.

import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Simulation, queueReport, validateScenario } from '../../sim-core/index';
import { numRuns } from './runs';

const WORDS = ['a', 'b', 'c'];

/** Backtracking topic match: `*` one word, `#` zero or more. */
function oracleMatch(pattern: string[], key: string[]): boolean {
  if (pattern.length === 0) return key.length === 0;
  const [head, ...rest] = pattern;
  if (head === '#') {
    for (let k = 0; k <= key.length; k++) if (oracleMatch(rest, key.slice(k))) return true;
    return false;
  }
  return key.length > 0 && (head === '*' || head === key[0]) && oracleMatch(rest, key.slice(1));
}

interface Exchange {
  type: 'direct' | 'topic' | 'fanout';
  bindings: Array<{ to: string; key: string }>;
  alternate: string | null;
}

const keyArb = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 })
  .map((w) => w.join('.'));
const patternArb = fc
  .array(fc.constantFrom(...WORDS, '*', '#'), { minLength: 1, maxLength: 3 })
  .map((w) => w.join('.'));

/** Exchanges x0..xn-1; xi binds queues and exchanges after it only (no cycles). */
const topologyArb = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.integer({ min: 1, max: 4 }).chain((queues) => {
    const exchange = (i: number): fc.Arbitrary<Exchange> => {
      const targets = [
        ...Array.from({ length: queues }, (_, q) => `q${q}`),
        ...Array.from({ length: n - i - 1 }, (_, j) => `x${i + j + 1}`),
      ];
      return fc.record({
        type: fc.constantFrom('direct' as const, 'topic' as const, 'fanout' as const),
        bindings: fc.array(
          fc.record({ to: fc.constantFrom(...targets), key: fc.oneof(keyArb, patternArb) }),
          { maxLength: 4 },
        ),
        alternate: fc.option(fc.constantFrom(...targets), { nil: null }),
      });
    };
    return fc.record({
      exchanges: fc.tuple(...Array.from({ length: n }, (_, i) => exchange(i))),
      queues: fc.constant(queues),
      keys: fc.uniqueArray(keyArb, { minLength: 1, maxLength: 5 }),
    });
  }),
);

/** The queues a key reaches from exchange x (an oracle of the contract's rules). */
function reach(xs: Exchange[], x: number, key: string, out: Set<string>): void {
  const ex = xs[x];
  const matched = ex.bindings.filter((b) =>
    ex.type === 'fanout'
      ? true
      : ex.type === 'direct'
        ? b.key === key
        : oracleMatch(b.key.split('.'), key.split('.')),
  );
  const follow = (to: string) =>
    to.startsWith('q') ? out.add(to) : reach(xs, Number(to.slice(1)), key, out);
  for (const b of matched) follow(b.to);
  if (matched.length === 0 && ex.alternate !== null) follow(ex.alternate);
}

describe('routing', () => {
  test.prop([topologyArb], { numRuns })(
    'each message enters each distinct queue its key reaches once; otherwise it is unroutable',
    (t) => {
      const raw = {
        name: 'generated routing',
        until: 'drained',
        producers: t.keys.map((key, i) => ({
          id: `p${i}`,
          to: 'x0',
          routingKey: key,
          rate: { kind: 'constant', perSecond: 100 },
          count: 3,
        })),
        channels: [
          ...t.exchanges.map((x, i) => ({
            id: `x${i}`,
            kind: 'exchange',
            type: x.type,
            bindings: x.bindings.map((b) => (x.type === 'fanout' ? { to: b.to } : b)),
            alternate: x.alternate,
          })),
          ...Array.from({ length: t.queues }, (_, q) => ({ id: `q${q}`, kind: 'queue' })),
        ],
        consumers: Array.from({ length: t.queues }, (_, q) => ({
          id: `w${q}`,
          from: `q${q}`,
          service: { kind: 'constant', value: 1 },
        })),
      };
      const why = JSON.stringify(raw);
      const v = validateScenario(raw);
      if (!v.ok)
        throw new Error(`generator made an invalid scenario: ${JSON.stringify(v.errors)} ${why}`);
      const r = new Simulation(v.scenario, { checkInvariants: true }).run();
      const expected = new Map<string, number>();
      let unroutable = 0;
      for (const key of t.keys) {
        const qs = new Set<string>();
        reach(t.exchanges, 0, key, qs);
        if (qs.size === 0) unroutable += 3;
        for (const q of qs) expected.set(q, (expected.get(q) ?? 0) + 3);
      }
      for (let q = 0; q < t.queues; q++)
        expect(queueReport(r, `q${q}`).enqueued, why).toBe(expected.get(`q${q}`) ?? 0);
      expect(r.totals.unroutable, why).toBe(unroutable);
      expect(r.checks.conservation, why).toBe(true);
    },
  );
});
