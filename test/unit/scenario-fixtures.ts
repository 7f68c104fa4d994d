// Shared fixtures for the scenario tests: the contract doc's examples, a scenario using every
// feature, a generator of random valid scenarios, and helpers that resolve error paths.
import { fc } from '@fast-check/vitest';
import { parse as parseYaml } from 'yaml';

/** Every example of docs/scenario-format.md, assembled into one scenario (verbatim values). */
export const CONTRACT_EXAMPLE_YAML = `
name: Orders with competing consumers    # required
description: free text shown in the UI    # optional, may be Markdown
seed: 42                                  # default seed; the CLI's --seed overrides it
duration: 60s                             # simulated time to run; required unless until: drained
until: time                               # time | drained
warmup: 5s                                # latency metrics ignore messages published before this (default 0)
sampleEvery: 250ms                        # time-series resolution (default duration/200)
producers:
  - id: web
    to: orders                       # channel id
    rate: {kind: poisson, perSecond: 900}
    count: 50000                     # optional cap on messages
    start: 0s                        # optional; stop: optional
    keys: {kind: uniform, count: 16}
    size: {kind: constant, value: 512}          # bytes; reported in throughput bytes
    confirm: {timeout: 1s, retries: 3, backoff: 100ms}
    idempotent: false
channels:
  - id: orders
    kind: queue
    ackTimeout: 30s
    maxDeliveries: 5
    deadLetter: orders.dlq
    retryDelay: {kind: constant, value: 0}
    requeue: front
    ttl: none
    maxLength: none
    overflow: drop-head
    fifoGroups: false
    dedupWindow: none
  - id: events
    kind: topic
    subscriptions:
      - {id: billing}
      - {id: shipping, maxDeliveries: 3, deadLetter: shipping.dlq}
  - id: ledger
    kind: log
    partitions: 4
    retention: 1h
  - id: api
    kind: direct
    timeout: 0
  - {id: orders.dlq, kind: queue}
  - {id: shipping.dlq, kind: queue}
  - {id: shipping, kind: queue}
consumers:
  - id: workers
    from: orders
    instances: 3
    prefetch: 10
    concurrency: 1
    service: {kind: exponential, mean: 3}
    ack: manual
    failRate: 0
    poison: 0
    idempotent: false
    crashes: {mtbf: 30s, restart: 5s}
    heartbeat: 2s
    emit:
      - {to: shipping, probability: 1}
  - id: billing-readers
    from: ledger
    group: billing
    service: {kind: exponential, mean: 3}
    startAt: earliest
    commit: {mode: afterProcessing}
    sessionTimeout: 10s
  - id: audit
    from: ledger
    service: {kind: constant, value: 1}
    commit: {mode: interval, every: 5s}
  - {id: billers, from: events/billing, service: {kind: uniform, min: 1, max: 4}}
broker:
  durable: true
  crashes: {mtbf: 10m, restart: 20s}
network:
  latency: {kind: constant, value: 1}
  loss: 0
  confirmLoss: 0.01
  ackLoss: 0
faults:
  - {at: 20s, crash: workers#2, restart: 5s}
  - {at: 30s, crash: broker, restart: 10s}
  - {at: 40s, partition: [workers#1], for: 3s}
  - {at: 50s, slow: workers, factor: 10, for: 5s}
  - {at: 55s, resetOffsets: billing, to: earliest}
`;

export const contractExample = (): Record<string, unknown> =>
  parseYaml(CONTRACT_EXAMPLE_YAML) as Record<string, unknown>;

/** A scenario that uses every kind and option at least once (JSON-compatible raw input). */
export function completeScenario(): Record<string, unknown> {
  return {
    $schema: './scenario.schema.json',
    version: 1,
    name: 'Everything',
    description: 'uses every kind',
    seed: 7,
    duration: '2m',
    warmup: 1000,
    sampleEvery: '500ms',
    producers: [
      { id: 'p1', to: 'q', rate: { kind: 'constant', perSecond: 10 }, stop: '1m' },
      {
        id: 'p2',
        to: 't',
        rate: {
          kind: 'bursty',
          perSecond: 1,
          burstPerSecond: 50,
          burstEvery: '10s',
          burstLength: '1s',
        },
        keys: { kind: 'zipf', count: 10, s: 1.1 },
      },
      {
        id: 'p3',
        to: 'l',
        rate: {
          kind: 'steps',
          steps: [
            [0, 5],
            ['30s', 50],
          ],
        },
        keys: { kind: 'roundRobin', count: 4 },
        size: { kind: 'empirical', values: [100, 2000] },
        confirm: true,
        idempotent: true,
      },
      {
        id: 'p4',
        to: 'd',
        rate: { kind: 'trace', at: [10, 20, 20, '1s'] },
        count: 3,
        start: 5,
        size: { kind: 'pareto', min: 100, alpha: 1.5 },
      },
    ],
    channels: [
      {
        id: 'q',
        kind: 'queue',
        ackTimeout: '30s',
        maxDeliveries: 3,
        deadLetter: 'dlq',
        retryDelay: { kind: 'exponential', mean: '100ms' },
        requeue: 'back',
        ttl: '1m',
        maxLength: 1000,
        overflow: 'reject-publish',
        fifoGroups: true,
        dedupWindow: '5m',
      },
      { id: 'dlq', kind: 'queue' },
      {
        id: 't',
        kind: 'topic',
        subscriptions: [
          { id: 's1', deadLetter: 'dlq' },
          { id: 's2', ttl: 'none' },
        ],
      },
      { id: 'empty-topic', kind: 'topic', subscriptions: [] },
      { id: 'l', kind: 'log', partitions: 8, retention: '1h' },
      { id: 'd', kind: 'direct', timeout: '50ms' },
    ],
    consumers: [
      {
        id: 'c1',
        from: 'q',
        instances: 2,
        concurrency: 4,
        service: { kind: 'normal', mean: 5, stddev: 1 },
        ack: 'auto',
        failRate: 0.1,
        poison: 0.01,
        crashes: { mtbf: '30s', restart: '2s' },
        heartbeat: '1s',
        emit: [{ to: 't', probability: 0.5 }],
      },
      {
        id: 'c2',
        from: 't/s1',
        service: { kind: 'lognormal', median: 2, p99: 20 },
        idempotent: true,
      },
      {
        id: 'c3',
        from: 'l',
        group: 'g',
        service: { kind: 'constant', value: 1 },
        startAt: 'latest',
        commit: 'afterProcessing',
        sessionTimeout: '10s',
      },
      { id: 'c4', from: 'd', service: { kind: 'uniform', min: '1ms', max: '2ms' } },
      { id: 'c5', from: 'dlq', service: { kind: 'empirical', values: [1, '2ms', 3] } },
    ],
    broker: { durable: false, crashes: { mtbf: '10m', restart: '20s' } },
    network: { latency: { kind: 'pareto', min: 0.5, alpha: 2 }, loss: 0.01, ackLoss: 0.02 },
    faults: [
      { at: '10s', crash: 'c1#2' },
      { at: '20s', crash: 'broker', restart: '5s' },
      { at: '30s', partition: ['c1#1', 'p1', 'c2'], for: '3s' },
      { at: '40s', slow: 'c3', factor: 3, for: '5s' },
      { at: '50s', resetOffsets: 'g', to: 'latest' },
    ],
    limits: { maxEvents: 1e7, maxSimTime: '1h', maxMessagesHeld: 1e6 },
  };
}

export type Seg = string | number;

/** Parses `producers[0].rate["odd key"]` back into steps; `(root)` is []. */
export function parsePath(path: string): Seg[] {
  if (path === '(root)') return [];
  const segs: Seg[] = [];
  const re = /(?:^|\.)([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) segs.push(m[1]);
    else if (m[2] !== undefined) segs.push(Number(m[2]));
    else segs.push(JSON.parse(m[3]) as string);
    end = re.lastIndex;
    if (end === path.length) break;
  }
  if (end !== path.length) throw new Error(`unparseable path ${path}`);
  return segs;
}

/** Follows own properties only; `found` is false as soon as a step is missing. */
export function resolve(input: unknown, segs: Seg[]): { found: boolean; value: unknown } {
  let value = input;
  for (const seg of segs) {
    if (typeof value !== 'object' || value === null) return { found: false, value: undefined };
    if (!Object.hasOwn(value, seg)) return { found: false, value: undefined };
    value = (value as Record<string, unknown>)[seg];
  }
  return { found: true, value };
}

/** The path exists in input, or it names a missing required field of an existing parent. */
export function pathIsReal(input: unknown, path: string, message: string): boolean {
  const segs = parsePath(path);
  if (resolve(input, segs).found) return true;
  const parent = resolve(input, segs.slice(0, -1));
  return parent.found && typeof parent.value === 'object' && message.startsWith('is required');
}

const durationArb = (min: number): fc.Arbitrary<number | string> =>
  fc.oneof(
    fc.integer({ min, max: 100_000 }),
    fc.integer({ min, max: 5000 }).map((n) => `${n}ms`),
    fc.integer({ min: Math.max(min, 0), max: 59 }).map((n) => `${n}s`),
  );

const distArb = (durations: boolean): fc.Arbitrary<Record<string, unknown>> => {
  const value = durations ? durationArb(0) : fc.integer({ min: 0, max: 10_000 });
  const positive = fc.integer({ min: 1, max: 10_000 });
  return fc.oneof(
    value.map((v) => ({ kind: 'constant', value: v })),
    fc
      .tuple(positive, positive)
      .map(([a, b]) => ({ kind: 'uniform', min: Math.min(a, b), max: Math.max(a, b) })),
    positive.map((mean) => ({ kind: 'exponential', mean })),
    fc.tuple(positive, positive).map(([mean, stddev]) => ({ kind: 'normal', mean, stddev })),
    fc.tuple(positive, positive).map(([m, d]) => ({ kind: 'lognormal', median: m, p99: m + d })),
    fc
      .tuple(positive, fc.double({ min: 1.01, max: 5, noNaN: true }))
      .map(([min, alpha]) => ({ kind: 'pareto', min, alpha })),
    fc
      .array(value, { minLength: 1, maxLength: 4 })
      .map((values) => ({ kind: 'empirical', values })),
  );
};

const rateArb = fc.oneof(
  fc
    .double({ min: 0.001, max: 1e4, noNaN: true })
    .map((perSecond) => ({ kind: 'poisson', perSecond })),
  fc.integer({ min: 1, max: 1e4 }).map((perSecond) => ({ kind: 'constant', perSecond })),
  fc
    .tuple(fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 1, max: 100 }))
    .map(([every, frac]) => ({
      kind: 'bursty',
      perSecond: 1,
      burstPerSecond: 100,
      burstEvery: every,
      burstLength: Math.max(1, Math.floor((every * frac) / 101)),
    })),
  fc
    .uniqueArray(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 4 })
    .map((ats) => ({
      kind: 'steps',
      steps: [...ats].sort((a, b) => a - b).map((at, i) => [at, i * 10]),
    })),
  fc
    .array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 5 })
    .map((at) => ({ kind: 'trace', at: [...at].sort((a, b) => a - b) })),
);

const channelArb = (i: number): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    fc
      .record({
        ackTimeout: fc.oneof(fc.constant('none'), durationArb(1)),
        maxDeliveries: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 9 })),
        retryDelay: distArb(true),
      })
      .map((o) => ({ id: `ch${i}`, kind: 'queue', ...o })),
    fc.integer({ min: 0, max: 2 }).map((n) => ({
      id: `ch${i}`,
      kind: 'topic',
      subscriptions: Array.from({ length: n }, (_, j) => ({ id: `s${j}` })),
    })),
    fc
      .integer({ min: 1, max: 16 })
      .map((partitions) => ({ id: `ch${i}`, kind: 'log', partitions })),
    durationArb(0).map((timeout) => ({ id: `ch${i}`, kind: 'direct', timeout })),
  );

function sourcesOf(channels: Record<string, unknown>[]): Array<{ from: string; log: boolean }> {
  return channels.flatMap((c) =>
    c.kind === 'topic'
      ? (c.subscriptions as Array<{ id: string }>).map((s) => ({
          from: `${String(c.id)}/${s.id}`,
          log: false,
        }))
      : [{ from: String(c.id), log: c.kind === 'log' }],
  );
}

/** Random valid scenarios: random channels of every kind, producers and consumers wired to them. */
export const validScenarioArb: fc.Arbitrary<Record<string, unknown>> = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => channelArb(i))))
  .chain((channels) => {
    const sources = sourcesOf(channels);
    const producer = (i: number) =>
      fc
        .record({
          to: fc.constantFrom(...channels.map((c) => c.id)),
          rate: rateArb,
          size: distArb(false),
        })
        .map((o) => ({ id: `p${i}`, ...o }));
    const consumer = (i: number) =>
      fc
        .record({
          source: fc.constantFrom(
            ...(sources.length > 0 ? sources : [{ from: 'ch0', log: false }]),
          ),
          service: distArb(true),
          instances: fc.integer({ min: 1, max: 4 }),
          prefetch: fc.integer({ min: 1, max: 100 }),
        })
        .map(({ source, ...o }) => ({
          id: `k${i}`,
          from: source.from,
          ...o,
          ...(source.log ? { startAt: 'latest', commit: { mode: 'interval', every: '1s' } } : {}),
        }));
    return fc
      .record({
        name: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        seed: fc.nat(),
        duration: fc.oneof(
          fc.integer({ min: 60_001, max: 10_000_000 }),
          fc.integer({ min: 61, max: 3600 }).map((n) => `${n}s`),
        ),
        channels: fc.constant(channels),
        producers: fc
          .integer({ min: 1, max: 3 })
          .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => producer(i)))),
        consumers:
          sources.length === 0
            ? fc.constant([])
            : fc
                .integer({ min: 0, max: 3 })
                .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => consumer(i)))),
        network: fc.record({
          loss: fc.double({ min: 0, max: 0.99, noNaN: true }),
          latency: distArb(true),
        }),
      })
      .map((s) => ({
        ...s,
        faults: (s.consumers as Array<{ id: string }>).map((c, i) => ({
          at: i * 1000,
          crash: c.id,
          restart: 10,
        })),
      }));
  });
