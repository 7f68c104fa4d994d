// Guarantees of the engine over generated scenarios: determinism, conservation of copies, and
// at-least-once delivery without faults. A failing case prints its scenario and seed.

import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Simulation } from '../../sim-core/index';
import type { Report, Scenario } from '../../sim-core/index';
import { numRuns, valid, why } from './runs';
import { scenarioArb } from './arbitraries';

function run(s: Scenario, seed?: number): Report {
  return new Simulation(s, { seed }).run();
}

/** The report without wall-clock time, which is the only field allowed to differ. */
function stable(r: Report) {
  return { ...r, wallMs: 0 };
}

describe('engine properties', () => {
  test.prop([scenarioArb()], { numRuns })(
    'the same scenario and seed give the same report and traceHash',
    (raw) => {
      const s = valid(raw);
      const a = run(s);
      const b = run(s);
      expect(stable(b), why(raw)).toEqual(stable(a));
    },
  );

  test.prop(
    [
      scenarioArb(),
      fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
    ],
    { numRuns },
  )(
    'advancing in slices of any (fractional) length reaches each target, and gives the run advanced at once',
    (raw, fractions) => {
      const s = valid(raw);
      const whole = run(s);
      const sim = new Simulation(s);
      // Slices of up to 1/50 of the run (a drained run without a cap: of a minute), fractional µs.
      const scaleUs = (s.duration ?? 60_000) * 20;
      let t = 0;
      for (let i = 0; !sim.done; i++) {
        t += Math.max(0.5, fractions[i % fractions.length] * scaleUs);
        sim.advance(t);
        if (!sim.done) expect(sim.nowUs, why(raw)).toBe(Math.floor(t));
        if (i > 1e6) throw new Error(`no end in sight at ${sim.nowUs} µs`);
      }
      expect(stable(sim.report()), why(raw)).toEqual(stable(whole));
    },
  );

  test.prop([scenarioArb()], { numRuns })('different seeds give different traceHashes', (raw) => {
    const s = valid(raw);
    const a = run(s, s.seed);
    const b = run(s, s.seed + 1);
    expect(b.traceHash, why(raw)).not.toBe(a.traceHash);
  });

  test.prop([scenarioArb()], { numRuns })(
    'conservation: every enqueued copy is accounted for',
    (raw) => {
      const r = run(valid(raw));
      const t = r.totals;
      expect(r.checks.conservation, why(raw)).toBe(true);
      expect(t.enqueued, why(raw)).toBe(
        t.processed + t.deadLettered + t.expired + t.dropped + t.lost + t.pendingAtEnd,
      );
      expect(t.published).toBe(t.enqueued);
    },
  );

  test.prop([scenarioArb({ manualOnly: true, everyQueueConsumed: true, noAckTimeout: true })], {
    numRuns,
  })('at-least-once without faults: a drained run processes every copy', (raw) => {
    const r = run(valid(raw));
    expect(r.totals.pendingAtEnd, why(raw)).toBe(0);
    expect(r.totals.processed, why(raw)).toBe(r.totals.enqueued);
    expect(r.totals.lost).toBe(0);
  });

  test.prop([scenarioArb({ singleServer: true })], { numRuns })(
    'one instance with concurrency 1 and no failures never breaks per-key order',
    (raw) => {
      const r = run(valid(raw));
      expect(r.totals.orderViolations, why(raw)).toBe(0);
    },
  );
});
