// Two promises of docs/semantics.md that no other property pins down, checked through the public
// surface only (validated scenarios in, the Report out):
// - a log rebalance that takes a partition from a live member commits its progress first
//   ("commit on revoke"), so the move costs at most the records in flight at that moment;
// - common random numbers: adding an unrelated entity changes no other entity's random draws,
//   so every original consumer's and channel's report stays exactly the same.

import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import type { Report } from '../../sim-core/index';
import { distArb, scenarioArb, withFaults } from './arbitraries';
import { numRuns, runRaw as run, why } from './runs';

type Raw = Record<string, unknown>;

/**
 * A service time: any distribution of distArb, or one whose draws are mostly whole µs or more.
 * (distArb leans to extreme doubles, and draws below 0.5 µs all round to a 0 µs service, which
 * no choice of random stream can change.)
 */
const serviceArb = (maxMs: number) =>
  fc.oneof(
    distArb(maxMs),
    fc
      .integer({ min: 50, max: maxMs * 1000 })
      .map((us) => ({ kind: 'exponential', mean: us / 1000 })),
    fc
      .tuple(fc.integer({ min: 0, max: maxMs * 1000 }), fc.integer({ min: 0, max: maxMs * 1000 }))
      .map(([a, b]) => ({
        kind: 'uniform',
        min: Math.min(a, b) / 1000,
        max: Math.max(a, b) / 1000,
      })),
    fc
      .integer({ min: 50, max: maxMs * 1000 })
      .map((us) => ({ kind: 'constant', value: us / 1000 })),
  );

// --- commit on revoke -----------------------------------------------------------------------

/**
 * One consumer group of `instances` members on a partitioned log, of which the last `crashed`
 * are killed at t = 0 (before the first record, which is published at 1 ms at the earliest) and
 * restarted later. Each crashed member causes two rebalances: the broker notices it after
 * `sessionTimeout` (its partitions, with nothing processed, go to the live members), and it
 * rejoins when it restarts, at or after that, taking partitions back from the live members,
 * which have worked on them since. Interval commits, often with a period longer than the run,
 * leave much of that progress uncommitted.
 */
function revokeScenarioArb() {
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 2 ** 40 }),
      extraPartitions: fc.integer({ min: 0, max: 5 }),
      instances: fc.integer({ min: 2, max: 4 }),
      crashedShare: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      concurrency: fc.integer({ min: 1, max: 3 }),
      // Busy members have a record in flight on most partitions when the rejoin takes some.
      service: serviceArb(4),
      failRate: fc.constantFrom(0, 0, 0.1),
      every: fc.oneof(fc.integer({ min: 20, max: 200 }), fc.integer({ min: 1000, max: 60_000 })),
      sessionTimeout: fc.integer({ min: 5, max: 100 }),
      // How long after the broker noticed it each crashed member restarts (0: at once).
      rejoinGaps: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 3, maxLength: 3 }),
      producers: fc.array(
        fc.record({
          perSecond: fc.integer({ min: 300, max: 3000 }),
          count: fc.integer({ min: 30, max: 250 }),
          start: fc.integer({ min: 1, max: 20 }),
          keys: fc.oneof(
            fc.constant({ kind: 'none' }),
            fc.record({
              kind: fc.constantFrom('uniform', 'roundRobin'),
              count: fc.integer({ min: 1, max: 12 }),
            }),
          ),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      latency: fc.option(distArb(2), { nil: undefined }),
    })
    .map((g) => {
      const crashed = 1 + Math.floor(g.crashedShare * (g.instances - 1)); // 1 .. instances − 1
      // At least one partition per member, so that a rejoining member always takes some.
      const partitions = g.instances + g.extraPartitions;
      const raw: Raw = {
        name: 'commit on revoke',
        seed: g.seed,
        until: 'drained',
        duration: '10m',
        producers: g.producers.map((p, i) => ({
          id: `p${i}`,
          to: 'ledger',
          rate: { kind: 'poisson', perSecond: p.perSecond },
          count: p.count,
          start: p.start,
          keys: p.keys,
        })),
        channels: [{ id: 'ledger', kind: 'log', partitions }],
        consumers: [
          {
            id: 'g',
            from: 'ledger',
            instances: g.instances,
            concurrency: g.concurrency,
            service: g.service,
            failRate: g.failRate,
            commit: { mode: 'interval', every: g.every },
            sessionTimeout: g.sessionTimeout,
          },
        ],
        faults: Array.from({ length: crashed }, (_, k) => ({
          at: 0,
          crash: `g#${g.instances - k}`,
          restart: g.sessionTimeout + g.rejoinGaps[k],
        })),
      };
      if (g.latency) raw.network = { latency: g.latency };
      return { raw, crashed, instances: g.instances, partitions, c: g.concurrency };
    });
}

/**
 * The most duplicates the rebalances of {@link revokeScenarioArb} may cost if a partition taken
 * from a live member is committed first (semantics.md, "Session timeout and rebalance"):
 * - the t = 0 assignment moves nothing that was processed (the log is empty);
 * - the broker noticing the crashed members takes nothing from live members (their even share
 *   only grows), and what it hands out was never processed (its owner died at t = 0);
 * - the k-th rejoin (L = instances − crashed + k live members) hands the joiner at most its even
 *   share, ⌈partitions / L⌉, all taken from live members. Each comes committed up to what its old
 *   owner finished, so the joiner re-processes at most the one record still in flight on it (a
 *   partition is processed one record at a time), and the other L − 1 members have at most
 *   `concurrency` records in flight each.
 * Without commit on revoke the joiner re-processes everything since the last interval commit.
 */
function revokeDuplicateBound(partitions: number, instances: number, crashed: number, c: number) {
  let bound = 0;
  for (let k = 1; k <= crashed; k++) {
    const live = instances - crashed + k;
    bound += Math.min(Math.ceil(partitions / live), (live - 1) * c);
  }
  return bound;
}

// --- common random numbers ------------------------------------------------------------------

/** An entity sharing nothing with the generated scenario: its own channel, producer and consumer. */
const extraArb = fc
  .record({
    kind: fc.constantFrom('queue', 'idle queue', 'topic', 'log'),
    perSecond: fc.integer({ min: 50, max: 3000 }),
    count: fc.integer({ min: 1, max: 120 }),
    service: serviceArb(10),
    instances: fc.integer({ min: 1, max: 3 }),
    concurrency: fc.integer({ min: 1, max: 3 }),
    partitions: fc.integer({ min: 1, max: 4 }),
  })
  .map((x) => {
    const producer = {
      id: 'zz-producer',
      to: 'zz',
      rate: { kind: 'poisson', perSecond: x.perSecond },
      count: x.count,
      keys: { kind: 'uniform', count: 3 },
    };
    const consumer = {
      id: 'zz-consumer',
      from: x.kind === 'topic' ? 'zz/a' : 'zz',
      instances: x.instances,
      concurrency: x.concurrency,
      service: x.service,
    };
    const channel =
      x.kind === 'topic'
        ? { id: 'zz', kind: 'topic', subscriptions: [{ id: 'a' }, { id: 'b' }] }
        : x.kind === 'log'
          ? { id: 'zz', kind: 'log', partitions: x.partitions }
          : { id: 'zz', kind: 'queue', ackTimeout: 20, retryDelay: x.service };
    return {
      channel,
      producer: x.kind === 'idle queue' ? null : producer,
      consumer:
        x.kind === 'log' ? { ...consumer, commit: { mode: 'interval', every: 7 } } : consumer,
    };
  });

function insertAt<T>(xs: readonly T[], at: number, x: T): T[] {
  const i = Math.min(at, xs.length);
  return [...xs.slice(0, i), x, ...xs.slice(i)];
}

/**
 * A pair of scenarios, without and with an unrelated entity inserted at a random place in each
 * list. The base is a generated queue scenario (random service, retry-delay and latency
 * distributions, transient failures, ack timeouts, scheduled instance crashes, partitions and
 * slow-downs, lost acks, lost confirms with producer retries, and half the time random instance
 * and broker crash chains) run for a fixed time, so every report field, utilization and mean
 * depth included, covers the same window with or without the extra entity. Broker crashes (the
 * one thing every entity shares) stay in: their times come from the broker's own stream and
 * they hit the extra entity's connections without touching anyone else's.
 */
function crnPairArb() {
  return fc
    .record({
      base: withFaults(scenarioArb({ everyQueueConsumed: true }), {
        ackLoss: true,
        confirms: true,
        brokerCrashes: true,
      }),
      // Per consumer (at most 6) and per queue (at most 3): draws from the streams under test.
      services: fc.array(serviceArb(10), { minLength: 6, maxLength: 6 }),
      failRates: fc.array(fc.constantFrom(0, 0, 0.1, 0.3), { minLength: 6, maxLength: 6 }),
      poisons: fc.array(fc.constantFrom(0, 0, 0.05, 0.2), { minLength: 6, maxLength: 6 }),
      retryDelays: fc.array(fc.option(serviceArb(5), { nil: undefined }), {
        minLength: 3,
        maxLength: 3,
      }),
      duration: fc.integer({ min: 50, max: 400 }),
      extra: extraArb,
      // Where the extra entity goes in each list: often first, where it moves everything.
      at: fc.record({
        channels: fc.oneof(fc.constant(0), fc.nat(4)),
        producers: fc.oneof(fc.constant(0), fc.nat(4)),
        consumers: fc.oneof(fc.constant(0), fc.nat(6)),
      }),
      random: fc.boolean(),
      mtbf: fc.integer({ min: 20, max: 400 }),
    })
    .map(
      ({ base, services, failRates, poisons, retryDelays, duration, extra, at, random, mtbf }) => {
        // Random crash chains draw from each instance's and the broker's own crash streams.
        const consumers: Raw[] = (base.consumers as Raw[]).map((c, i) => ({
          ...c,
          service: services[i],
          failRate: failRates[i],
          poison: poisons[i],
          ...(random ? { crashes: { mtbf, restart: 10 } } : {}),
        }));
        // Poison messages are dead-lettered after a few deliveries: with zero-time service and
        // hops, endless redelivery would never let the clock move on.
        const poisoned = poisons.some((p) => p > 0);
        const channels = (base.channels as Raw[]).map((q, i) => ({
          ...q,
          ...(retryDelays[i] ? { retryDelay: retryDelays[i] } : {}),
          ...(poisoned ? { maxDeliveries: 4 } : {}),
        }));
        // withFaults spreads faults over 2.5 s; squeeze them into this shorter run.
        const faults = (base.faults as Array<{ at: number }>).map((f) => ({
          ...f,
          at: Math.floor((f.at / 2500) * (duration - 1)),
        }));
        const broker = random
          ? { ...(base.broker as Raw), crashes: { mtbf: mtbf * 2, restart: 5 } }
          : base.broker;
        const a: Raw = { ...base, until: 'time', duration, channels, consumers, faults, broker };
        const b: Raw = {
          ...a,
          channels: insertAt(a.channels as Raw[], at.channels, extra.channel),
          producers: extra.producer
            ? insertAt(a.producers as Raw[], at.producers, extra.producer)
            : a.producers,
          consumers: insertAt(consumers, at.consumers, {
            ...extra.consumer,
            ...(random ? { crashes: { mtbf, restart: 10 } } : {}),
          }),
        };
        return { a, b };
      },
    );
}

/** The report sections of the given consumers and channels (queues, subscriptions, groups). */
function sections(r: Report, of: Report) {
  const pick = <T>(xs: Record<string, T>, ids: string[]) =>
    Object.fromEntries(ids.map((id) => [id, xs[id]]));
  return {
    consumers: pick(r.consumers, Object.keys(of.consumers)),
    channels: pick(r.channels, Object.keys(of.channels)),
  };
}

describe('promises of docs/semantics.md', () => {
  test.prop([revokeScenarioArb()], { numRuns })(
    'commit on revoke: moving partitions away from live members duplicates at most the records in flight',
    ({ raw, crashed, instances, partitions, c }) => {
      const r = run(raw);
      const bound = revokeDuplicateBound(partitions, instances, crashed, c);
      expect(r.totals.duplicatesProcessed, why(raw)).toBeLessThanOrEqual(bound);
      // ... and it carries on where the old owner stopped: nothing skipped, nothing out of order.
      expect(r.totals.processed, why(raw)).toBe(r.totals.enqueued);
      expect(r.totals.pendingAtEnd, why(raw)).toBe(0);
      expect(r.totals.lost, why(raw)).toBe(0);
      expect(r.totals.orderViolations, why(raw)).toBe(0);
      expect(r.checks.conservation, why(raw)).toBe(true);
      // Every planned crash happened, so every rejoin above did take partitions from live members.
      expect(r.consumers.g.crashes, why(raw)).toBe(crashed);
    },
  );

  // Poison is drawn per message id (seed, the sender's id, sequence), and a pending detection of
  // a silent connection is voided by this instance's own reconnects only: both used to leak
  // other entities' positions or activity (poison keyed by the producer's list position; a
  // crash stamping the connection with the engine-wide delivery counter).
  test.prop([crnPairArb()], { numRuns })(
    'common random numbers: an unrelated entity inserted anywhere leaves every other consumer and channel report unchanged',
    ({ a, b }) => {
      const ra = run(a);
      const rb = run(b);
      expect(sections(rb, ra), why({ without: a, with: b })).toEqual(sections(ra, ra));
    },
  );
});
