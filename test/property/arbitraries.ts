// fast-check generators of valid raw scenarios (what a user would write), small enough to run
// hundreds per test. Every generated scenario has Poisson arrivals, so the seed matters.

import fc from 'fast-check';

const durationMs = (min: number, max: number) => fc.integer({ min, max });

export const distArb = (maxMs: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('constant'),
      value: fc.double({ min: 0, max: maxMs, noNaN: true }),
    }),
    fc
      .tuple(
        fc.double({ min: 0, max: maxMs, noNaN: true }),
        fc.double({ min: 0, max: maxMs, noNaN: true }),
      )
      .map(([a, b]) => ({ kind: 'uniform', min: Math.min(a, b), max: Math.max(a, b) })),
    fc.record({
      kind: fc.constant('exponential'),
      mean: fc.double({ min: 0.01, max: maxMs, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('normal'),
      mean: fc.double({ min: 0, max: maxMs, noNaN: true }),
      stddev: fc.double({ min: 0, max: maxMs / 2, noNaN: true }),
    }),
    fc
      .tuple(
        fc.double({ min: 0.01, max: maxMs / 4, noNaN: true }),
        fc.double({ min: 1.1, max: 4, noNaN: true }),
      )
      .map(([median, f]) => ({ kind: 'lognormal', median, p99: median * f })),
    fc.record({
      kind: fc.constant('empirical'),
      values: fc.array(fc.double({ min: 0, max: maxMs, noNaN: true }), {
        minLength: 1,
        maxLength: 5,
      }),
    }),
  );

const keysArb = fc.oneof(
  fc.constant({ kind: 'none' }),
  fc.record({ kind: fc.constant('uniform'), count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('roundRobin'), count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('zipf'),
    count: fc.integer({ min: 1, max: 6 }),
    s: fc.double({ min: 0.5, max: 2, noNaN: true }),
  }),
);

export interface ShapeOptions {
  /** Only manual acks (at-least-once). */
  manualOnly?: boolean;
  /** Every queue gets at least one consumer. */
  everyQueueConsumed?: boolean;
  /** Force one consumer, one instance, concurrency 1 per queue. */
  singleServer?: boolean;
  /**
   * No ack timeouts. A timeout shorter than the processing time livelocks a queue (the message
   * is redelivered forever, as on a real broker), so liveness properties leave them out.
   */
  noAckTimeout?: boolean;
}

/** A valid raw scenario with 1–3 queues, 1–3 producers and 0–2 consumers per queue. */
export function scenarioArb(opts: ShapeOptions = {}) {
  return fc.integer({ min: 1, max: 3 }).chain((queueCount) => {
    const queueIds = Array.from({ length: queueCount }, (_, i) => `q${i}`);
    const queue = (id: string) =>
      fc.record(
        {
          id: fc.constant(id),
          kind: fc.constant('queue'),
          ackTimeout: opts.noAckTimeout
            ? fc.constant(undefined)
            : fc.option(durationMs(5, 200), { nil: undefined }),
          requeue: fc.constantFrom('front', 'back'),
          retryDelay: fc.option(distArb(5), { nil: undefined }),
        },
        { requiredKeys: ['id', 'kind'] },
      );
    const producer = (i: number) =>
      fc.record({
        id: fc.constant(`p${i}`),
        to: fc.constantFrom(...queueIds),
        rate: fc.record({
          kind: fc.constant('poisson'),
          perSecond: fc.integer({ min: 50, max: 3000 }),
        }),
        count: fc.integer({ min: 2, max: 120 }),
        keys: keysArb,
      });
    const minConsumers = opts.everyQueueConsumed || opts.singleServer ? 1 : 0;
    const maxConsumers = opts.singleServer ? 1 : 2;
    const consumer = (queueId: string, j: number) =>
      fc.record({
        id: fc.constant(`c_${queueId}_${j}`),
        from: fc.constant(queueId),
        instances: opts.singleServer ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
        prefetch: fc.integer({ min: 1, max: 5 }),
        concurrency: opts.singleServer ? fc.constant(1) : fc.integer({ min: 1, max: 3 }),
        ack: opts.manualOnly ? fc.constant('manual') : fc.constantFrom('manual', 'auto'),
        service: distArb(10),
      });
    const consumersArb = fc
      .tuple(
        ...queueIds.map((q) =>
          fc.integer({ min: minConsumers, max: maxConsumers }).map((n) => ({ q, n })),
        ),
      )
      .chain((counts) =>
        fc.tuple(
          ...counts.flatMap(({ q, n }) => Array.from({ length: n }, (_, j) => consumer(q, j))),
        ),
      );
    return fc
      .record({
        name: fc.constant('generated'),
        seed: fc.integer({ min: 0, max: 2 ** 40 }),
        until: fc.constant('drained'),
        duration: fc.constant('10m'),
        warmup: fc.constantFrom(0, 20),
        producers: fc
          .integer({ min: 1, max: 3 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => producer(i)))),
        channels: fc.tuple(...queueIds.map(queue)),
        consumers: consumersArb,
        network: fc.oneof(fc.constant(undefined), fc.record({ latency: distArb(3) })),
      })
      .map((s) => JSON.parse(JSON.stringify(s)) as Record<string, unknown>); // drops undefined fields
  });
}

export interface FaultOptions {
  /** Give producers publisher confirms with retries (and sometimes idempotence, confirm loss). */
  confirms?: boolean;
  /** Include network ack loss. */
  ackLoss?: boolean;
  /** Include broker crashes (the broker's durability is generated too unless durableOnly). */
  brokerCrashes?: boolean;
  durableOnly?: boolean;
}

/** Instance ids of a raw scenario's consumers (`c#1`, ...). */
function instanceIds(raw: Record<string, unknown>): string[] {
  const consumers = (raw.consumers ?? []) as Array<{ id: string; instances?: number }>;
  return consumers.flatMap((c) =>
    Array.from({ length: c.instances ?? 1 }, (_, k) => `${c.id}#${k + 1}`),
  );
}

/**
 * Adds a schedule of healing faults to a generated scenario: instance crashes with restarts,
 * partitions of instances and producers, slow-downs, freezes, broker restarts, lost acks. All of them
 * end, so a drained run checks liveness as well as safety.
 */
export function withFaults(base: fc.Arbitrary<Record<string, unknown>>, opts: FaultOptions = {}) {
  return base.chain((raw) => {
    const instances = instanceIds(raw);
    const producers = ((raw.producers ?? []) as Array<{ id: string }>).map((p) => p.id);
    const at = fc.integer({ min: 0, max: 2500 });
    const faultArbs: Array<fc.Arbitrary<Record<string, unknown>>> = [];
    if (instances.length > 0) {
      faultArbs.push(
        fc.record({
          at,
          crash: fc.constantFrom(...instances),
          restart: fc.integer({ min: 0, max: 500 }),
        }),
        fc.record({
          at,
          partition: fc.subarray(instances, { minLength: 1 }),
          for: fc.integer({ min: 1, max: 800 }),
        }),
        fc.record({
          at,
          slow: fc.constantFrom(...instances),
          factor: fc.double({ min: 0.5, max: 20, noNaN: true }),
          for: fc.integer({ min: 1, max: 800 }),
        }),
        fc.record({
          at,
          freeze: fc.constantFrom(...instances),
          for: fc.integer({ min: 1, max: 800 }),
        }),
      );
    }
    faultArbs.push(
      fc.record({
        at,
        partition: fc.subarray(producers, { minLength: 1 }),
        for: fc.integer({ min: 1, max: 800 }),
      }),
    );
    if (opts.brokerCrashes)
      faultArbs.push(
        fc.record({ at, crash: fc.constant('broker'), restart: fc.integer({ min: 0, max: 500 }) }),
      );
    return fc
      .record({
        faults: fc.array(fc.oneof(...faultArbs), { maxLength: 5 }),
        heartbeat: fc.integer({ min: 10, max: 400 }),
        ackLoss: opts.ackLoss
          ? fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true }))
          : fc.constant(0),
        durable: opts.durableOnly ? fc.constant(true) : fc.boolean(),
        confirm: opts.confirms
          ? fc.option(
              fc.record({
                timeout: fc.integer({ min: 1, max: 200 }),
                retries: fc.integer({ min: 0, max: 4 }),
                backoff: fc.integer({ min: 0, max: 50 }),
              }),
              { nil: undefined },
            )
          : fc.constant(undefined),
        idempotentProducer: fc.boolean(),
        confirmLoss: opts.confirms ? fc.constantFrom(0, 0.1, 0.4) : fc.constant(0),
      })
      .map(({ faults, heartbeat, ackLoss, durable, confirm, idempotentProducer, confirmLoss }) => {
        const consumers = ((raw.consumers ?? []) as Array<Record<string, unknown>>).map((c) => ({
          ...c,
          heartbeat,
        }));
        const network = { ...((raw.network as object) ?? {}), ackLoss, confirmLoss };
        const producers = ((raw.producers ?? []) as Array<Record<string, unknown>>).map((p) =>
          confirm ? { ...p, confirm, idempotent: idempotentProducer } : p,
        );
        // A lost ack with no ack timeout holds its message (and the consumer's credit) forever,
        // as on a real broker; runs with lost acks give every queue a generous timeout to recover.
        const channels = ((raw.channels ?? []) as Array<Record<string, unknown>>).map((c) =>
          ackLoss > 0 && c.ackTimeout === undefined ? { ...c, ackTimeout: 1000 } : c,
        );
        return { ...raw, producers, channels, consumers, network, broker: { durable }, faults };
      });
  });
}

/** Keys for ordering tests: always keyed. */
const orderedKeysArb = fc.record({
  kind: fc.constantFrom('uniform', 'roundRobin'),
  count: fc.integer({ min: 1, max: 8 }),
});

/**
 * A log scenario: 1–3 producers into one partitioned log read by 1–2 consumer groups of 1–4
 * members (commit after processing or on an interval), with transient failures. `retention`:
 * the log deletes records after 1–300 ms, and consumers may meet poison records (which block
 * their partition until retention deletes them).
 */
export function logScenarioArb(opts: { keyed?: boolean; retention?: boolean } = {}) {
  const consumer = (j: number) =>
    fc.record({
      id: fc.constant(`g${j}`),
      from: fc.constant('ledger'),
      instances: fc.integer({ min: 1, max: 4 }),
      concurrency: fc.integer({ min: 1, max: 3 }),
      // A poison record is retried in place until retention deletes it: service takes time,
      // or the retries would be a loop at one instant.
      service: opts.retention
        ? fc.record({
            kind: fc.constant('exponential'),
            mean: fc.double({ min: 0.5, max: 5, noNaN: true }),
          })
        : distArb(5),
      failRate: fc.constantFrom(0, 0, 0.1, 0.3),
      poison: opts.retention ? fc.constantFrom(0, 0.005, 0.05, 0.3) : fc.constant(0),
      commit: fc.oneof(
        fc.constant({ mode: 'afterProcessing' }),
        fc.record({ mode: fc.constant('interval'), every: fc.integer({ min: 1, max: 300 }) }),
      ),
      sessionTimeout: fc.integer({ min: 5, max: 300 }),
    });
  return fc
    .record({
      name: fc.constant('generated log'),
      seed: fc.integer({ min: 0, max: 2 ** 40 }),
      until: fc.constant('drained'),
      duration: fc.constant('10m'),
      producers: fc.integer({ min: 1, max: 3 }).chain((n) =>
        fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            fc.record({
              id: fc.constant(`p${i}`),
              to: fc.constant('ledger'),
              rate: fc.record({
                kind: fc.constant('poisson'),
                perSecond: fc.integer({ min: 50, max: 3000 }),
              }),
              count: fc.integer({ min: 2, max: 120 }),
              keys: opts.keyed ? orderedKeysArb : keysArb,
            }),
          ),
        ),
      ),
      channels: fc.tuple(
        fc.record({
          id: fc.constant('ledger'),
          kind: fc.constant('log'),
          partitions: fc.integer({ min: 1, max: 6 }),
          retention: opts.retention ? fc.integer({ min: 1, max: 300 }) : fc.constant(undefined),
        }),
      ),
      consumers: fc
        .integer({ min: 1, max: 2 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, j) => consumer(j)))),
      network: fc.oneof(fc.constant(undefined), fc.record({ latency: distArb(3) })),
    })
    .map((s) => JSON.parse(JSON.stringify(s)) as Record<string, unknown>);
}

/** A FIFO-groups queue scenario: keyed messages, 1–3 consumers, transient failures, retry delays. */
export function fifoScenarioArb() {
  return scenarioArb({ manualOnly: true, everyQueueConsumed: true, noAckTimeout: true }).map(
    (raw) => ({
      ...raw,
      producers: (raw.producers as Array<Record<string, unknown>>).map((p) => ({
        ...p,
        keys: { kind: 'uniform', count: 4 },
      })),
      channels: (raw.channels as Array<Record<string, unknown>>).map((c) => ({
        ...c,
        fifoGroups: true,
      })),
      consumers: (raw.consumers as Array<Record<string, unknown>>).map((c, i) => ({
        ...c,
        failRate: [0, 0.2, 0.4][i % 3],
      })),
    }),
  );
}
