// Ordering and log guarantees over generated scenarios: FIFO groups and keyed log partitions
// keep per-key order whatever the number of consumers and transient failures; logs conserve
// copies, replay deterministically and lose nothing without retention.

import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { Simulation } from '../../sim-core/index';
import { fifoScenarioArb, logScenarioArb, withFaults } from './arbitraries';
import { numRuns, runRaw as run, valid, why } from './runs';

describe('ordering guarantees', () => {
  test.prop([fifoScenarioArb()], { numRuns })(
    'FIFO groups: no order violations for any number of consumers and transient failures',
    (raw) => {
      const r = run(raw);
      expect(r.totals.orderViolations, why(raw)).toBe(0);
      expect(r.totals.processed, why(raw)).toBe(r.totals.enqueued);
      expect(r.checks.conservation, why(raw)).toBe(true);
    },
  );

  test.prop([logScenarioArb({ keyed: true })], { numRuns })(
    'keyed log partitions: no order violations for any number of members and transient failures',
    (raw) => {
      const r = run(raw);
      expect(r.totals.orderViolations, why(raw)).toBe(0);
      expect(r.checks.conservation, why(raw)).toBe(true);
    },
  );
});

describe('log guarantees', () => {
  test.prop([logScenarioArb()], { numRuns })(
    'without faults or retention every group processes every record once',
    (raw) => {
      const r = run(raw);
      expect(r.totals.pendingAtEnd, why(raw)).toBe(0);
      expect(r.totals.lost, why(raw)).toBe(0);
      expect(r.totals.duplicatesProcessed, why(raw)).toBe(0);
      expect(r.totals.processed, why(raw)).toBe(r.totals.enqueued);
    },
  );

  test.prop([withFaults(logScenarioArb(), { brokerCrashes: true, durableOnly: true })], {
    numRuns,
  })(
    'with member crashes, partitions and broker restarts: nothing is lost, copies are conserved, runs replay',
    (raw) => {
      const s = valid(raw);
      const a = new Simulation(s, { checkInvariants: true }).run();
      const b = new Simulation(s).run();
      expect(a.totals.lost, why(raw)).toBe(0);
      expect(a.totals.pendingAtEnd, why(raw)).toBe(0);
      expect(a.checks.conservation, why(raw)).toBe(true);
      expect({ ...b, wallMs: 0 }, why(raw)).toEqual({ ...a, wallMs: 0 });
    },
  );

  test.prop(
    [withFaults(logScenarioArb({ retention: true }), { brokerCrashes: true, durableOnly: true })],
    { numRuns },
  )(
    'with retention and poison records, under faults: every copy is processed or lost, once',
    (raw) => {
      const s = valid(raw);
      const a = new Simulation(s, { checkInvariants: true }).run();
      expect(a.totals.pendingAtEnd, why(raw)).toBe(0);
      expect(a.totals.processed + a.totals.lost, why(raw)).toBe(a.totals.enqueued);
      expect(a.checks.conservation, why(raw)).toBe(true);
    },
  );
});
