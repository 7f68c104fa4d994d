// Delivery guarantees under generated fault schedules (crashes, partitions, slow-downs, broker
// restarts, lost acks), each run until drained after the faults heal. A failing case prints the
// scenario (with its seed) that reproduces it.

import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Simulation } from '../../sim-core/index';
import { scenarioArb, withFaults } from './arbitraries';
import { numRuns, runRaw as run, valid, why } from './runs';

/** Sets every consumer's fields (ack mode, idempotence, ...). */
function consumersWith(extra: Record<string, unknown>) {
  return (raw: Record<string, unknown>) => ({
    ...raw,
    consumers: ((raw.consumers ?? []) as Array<Record<string, unknown>>).map((c) => ({
      ...c,
      ...extra,
    })),
  });
}

describe('delivery guarantees under faults', () => {
  test.prop(
    [
      withFaults(scenarioArb({ manualOnly: true, everyQueueConsumed: true, noAckTimeout: true }), {
        ackLoss: true,
        brokerCrashes: true,
        durableOnly: true,
      }),
    ],
    { numRuns },
  )(
    'at-least-once (manual ack, durable broker): nothing is lost and every copy is processed',
    (raw) => {
      const r = run(raw);
      expect(r.totals.lost, why(raw)).toBe(0);
      expect(r.totals.pendingAtEnd, why(raw)).toBe(0);
      expect(r.totals.processed, why(raw)).toBe(r.totals.enqueued);
      expect(r.checks.conservation, why(raw)).toBe(true);
    },
  );

  test.prop(
    [
      withFaults(scenarioArb(), { ackLoss: true, brokerCrashes: true }).map(
        consumersWith({ ack: 'auto' }),
      ),
    ],
    { numRuns },
  )('at-most-once (auto ack): no copy is processed twice', (raw) => {
    const r = run(raw);
    expect(r.totals.duplicatesProcessed, why(raw)).toBe(0);
    expect(r.checks.conservation, why(raw)).toBe(true);
  });

  test.prop(
    [
      withFaults(scenarioArb({ manualOnly: true }), { ackLoss: true, brokerCrashes: true }).map(
        consumersWith({ idempotent: true }),
      ),
    ],
    { numRuns },
  )('idempotent consumers: no duplicate processing whatever the faults', (raw) => {
    const r = run(raw);
    expect(r.totals.duplicatesProcessed, why(raw)).toBe(0);
    expect(r.checks.conservation, why(raw)).toBe(true);
  });

  test.prop([withFaults(scenarioArb(), { ackLoss: true, brokerCrashes: true, confirms: true })], {
    numRuns,
  })('conservation of copies and determinism hold with faults', (raw) => {
    const s = valid(raw);
    const a = new Simulation(s, { checkInvariants: true }).run();
    const b = new Simulation(s).run();
    expect(a.checks.conservation, why(raw)).toBe(true);
    expect({ ...b, wallMs: 0 }, why(raw)).toEqual({ ...a, wallMs: 0 });
  });

  test.prop(
    [
      scenarioArb({ manualOnly: true, everyQueueConsumed: true, noAckTimeout: true }),
      fc.integer({ min: 1, max: 6 }),
    ],
    { numRuns },
  )(
    'maxDeliveries = m: a poison message is delivered exactly m times, then dead-lettered',
    (base, m) => {
      const raw = {
        ...base,
        channels: (base.channels as Array<Record<string, unknown>>).map((c) => ({
          ...c,
          maxDeliveries: m,
        })),
        consumers: (base.consumers as Array<Record<string, unknown>>).map((c) => ({
          ...c,
          poison: 1,
        })),
      };
      const r = run(raw);
      expect(r.totals.processed, why(raw)).toBe(0);
      expect(r.totals.deadLettered, why(raw)).toBe(r.totals.enqueued);
      expect(r.totals.delivered, why(raw)).toBe(m * r.totals.enqueued);
      expect(r.totals.nacked, why(raw)).toBe(m * r.totals.enqueued);
    },
  );
});
