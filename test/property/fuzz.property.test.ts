// Fuzzing the examples: each case takes a lesson, mutates a few of its fields to hostile values
// (wrong types, zero, negative, huge, empty, unknown fields, deleted fields), and, swarm style
// (as TigerBeetle's simulator does), adds a random subset of fault kinds. Whatever comes out, the
// engine must give a clean refusal (`path: message` problems, a budget, "not modelled yet") or a
// valid report: conservation holds, no number is NaN, infinite or negative, the same seed gives
// the same trace hash. 1,000 cases in `npm test`, 20,000 in `npm run test:deep`.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import {
  BudgetExceededError,
  NotRunnableError,
  Simulation,
  parseScenarioText,
  validateScenario,
} from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

const numRuns = process.env.BROKERLAB_DEEP ? 20_000 : 1_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const EXAMPLES: Array<{ name: string; raw: Json }> = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => {
    const parsed = parseScenarioText(readFileSync(join('examples', f), 'utf8'), f);
    if (!parsed.ok) throw new Error(f);
    // The lesson card is the lab's; fuzzing it tests nothing the engine does.
    const { lesson: _lesson, ...raw } = parsed.value as Record<string, Json>;
    return { name: f, raw: raw as Json };
  });

/** Values that have broken parsers and engines before. */
const HOSTILE: Json[] = [
  0,
  -1,
  -0.5,
  0.5,
  1,
  2,
  1e6,
  1e12,
  1e308,
  2 ** 31,
  2 ** 53,
  -1e308,
  '',
  'x',
  '0s',
  '-5ms',
  '1e400ms',
  '1h',
  '30d',
  'none',
  'auto',
  'manual',
  '__proto__',
  true,
  false,
  null,
  [],
  [0],
  {},
  { kind: 'constant', value: 0 },
  { kind: 'exponential', mean: 1e9 },
  { kind: 'pareto', min: 1, alpha: 1.01 },
];

/** Every path in a JSON tree (objects by key, arrays by index), containers included. */
function paths(v: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

type Mutation =
  | { op: 'set'; pick: number; value: Json }
  | { op: 'delete'; pick: number }
  | { op: 'unknown'; pick: number; value: Json };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      pick: fc.nat(),
      value: fc.constantFrom(...HOSTILE),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('unknown' as const),
      pick: fc.nat(),
      value: fc.constantFrom(...HOSTILE),
    }),
  },
);

function mutate(raw: Json, m: Mutation): Json {
  const copy = structuredClone(raw);
  const all = paths(copy).filter((p) => p.length > 0);
  if (all.length === 0) return copy;
  const path = all[m.pick % all.length];
  let parent = copy as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (m.op === 'set') parent[last] = structuredClone(m.value);
  else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) parent[`${String(last)}Extra`] = structuredClone(m.value);
  return copy;
}

/** The fault kinds a swarm case may switch on; each case enables a random subset. */
const FAULT_KINDS = [
  'crash',
  'partition',
  'slow',
  'freeze',
  'brokerCrash',
  'ackLoss',
  'crashes',
] as const;

function withSwarmFaults(raw: Json, kinds: readonly string[], at: number[]): Json {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const consumers = Array.isArray(raw.consumers) ? raw.consumers : [];
  const ids = consumers
    .map((c) => (c !== null && typeof c === 'object' && !Array.isArray(c) ? c.id : null))
    .filter((id): id is string => typeof id === 'string');
  const faults: Json[] = Array.isArray(raw.faults) ? [...raw.faults] : [];
  const out: { [k: string]: Json } = { ...raw };
  const t = (i: number) => at[i % at.length];
  if (ids.length > 0) {
    if (kinds.includes('crash')) faults.push({ at: t(0), crash: ids[0], restart: 500 });
    if (kinds.includes('partition')) faults.push({ at: t(1), partition: [ids[0]], for: 700 });
    if (kinds.includes('slow')) faults.push({ at: t(2), slow: ids[0], factor: 8, for: 900 });
    if (kinds.includes('freeze')) faults.push({ at: t(4), freeze: ids[0], for: 800 });
    if (kinds.includes('crashes'))
      out.consumers = consumers.map((c, i) =>
        i === 0 && c !== null && typeof c === 'object' && !Array.isArray(c)
          ? { ...c, crashes: { mtbf: 1500, restart: 300 } }
          : c,
      );
  }
  if (kinds.includes('brokerCrash')) faults.push({ at: t(3), crash: 'broker', restart: 400 });
  if (kinds.includes('ackLoss'))
    out.network = {
      ...(out.network !== null && typeof out.network === 'object' && !Array.isArray(out.network)
        ? out.network
        : {}),
      ackLoss: 0.05,
    };
  out.faults = faults;
  return out;
}

const caseArb = fc.record({
  example: fc.nat({ max: EXAMPLES.length - 1 }),
  // Unmutated lessons in 2 cases of 5: the swarm's faults then meet a scenario that runs.
  mutations: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) },
  ),
  faults: fc.subarray([...FAULT_KINDS]),
  at: fc.array(fc.integer({ min: 0, max: 1900 }), { minLength: 4, maxLength: 4 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
});

/** Every number in a report: finite and not negative (except the seed's own field, an id). */
function badNumbers(v: unknown, at = ''): string[] {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? [] : [`${at} = ${v}`];
  if (Array.isArray(v)) return v.flatMap((x, i) => badNumbers(x, `${at}[${i}]`));
  if (v !== null && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => badNumbers(x, at ? `${at}.${k}` : k));
  return [];
}

/** Short runs: every case is bounded whatever its mutated duration or rates. */
const CASE_LIMITS = { maxEvents: 60_000, maxSimTime: 60_000, maxMessagesHeld: 50_000 };

function runCase(raw: Json, seed: number): Report | 'refused' {
  const v = validateScenario(raw);
  if (!v.ok) {
    expect(v.errors.length).toBeGreaterThan(0);
    for (const e of v.errors) {
      expect(typeof e.path === 'string' && e.path.length > 0, JSON.stringify(e)).toBe(true);
      expect(typeof e.message === 'string' && e.message.length > 0, JSON.stringify(e)).toBe(true);
    }
    return 'refused';
  }
  // At most 2 s of simulated time (the swarm's faults fall within it); drained runs as they are.
  const duration = v.scenario.duration === null ? null : Math.min(v.scenario.duration, 2000);
  const scenario = {
    ...v.scenario,
    duration,
    warmup: Math.min(v.scenario.warmup, (duration ?? Infinity) / 2),
    limits: { ...v.scenario.limits, ...CASE_LIMITS },
  };
  try {
    return new Simulation(scenario, { seed, checkInvariants: true }).run();
  } catch (e) {
    if (e instanceof BudgetExceededError || e instanceof NotRunnableError) return 'refused';
    throw e;
  }
}

describe('fuzzing the examples', () => {
  test.prop([caseArb], { numRuns })(
    'mutated lessons with a swarm of faults: a clean refusal or a sound report',
    (c) => {
      let raw = EXAMPLES[c.example].raw;
      for (const m of c.mutations) raw = mutate(raw, m);
      raw = withSwarmFaults(raw, c.faults, c.at);
      const why = `${EXAMPLES[c.example].name}, seed ${c.seed}: ${JSON.stringify(raw)}`;
      const a = runCase(raw, c.seed);
      if (a === 'refused') return;
      expect(a.checks.conservation, why).toBe(true);
      expect(badNumbers({ ...a, seed: 0 }), why).toEqual([]);
      const b = runCase(raw, c.seed);
      expect(b !== 'refused' && b.traceHash, why).toBe(a.traceHash);
    },
    process.env.BROKERLAB_DEEP ? 3_600_000 : 120_000,
  );
});
