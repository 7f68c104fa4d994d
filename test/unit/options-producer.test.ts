// Producer options (rate kinds, count, start/stop, keys, size, confirm, idempotent), consumer
// options (instances, prefetch, concurrency, service, failRate, poison, idempotent, emit) and the
// network options, each with a tiny scenario and the behaviour a user relies on.

import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  Simulation,
  eventName,
  validateScenario,
  queueReport,
} from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

/** An observed event: time in ms, message id, where, and the instance holding its delivery. */
type Seen = { kind: string; t: number; id: string; key: number; at: string; inst: string };

const AT_INSTANCE = new Set(['delivered', 'received', 'started', 'processed', 'failed']);

function run(raw: object): { r: Report; ev: Seen[] } {
  const v = validateScenario({ name: 'producer options', duration: 1000, ...raw });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const ev: Seen[] = [];
  const sim: Simulation = new Simulation(v.scenario, {
    observers: [
      {
        kinds: ALL_EVENTS,
        onEvent(e) {
          const n = sim.names;
          const name = eventName(e.kind);
          const t = e.timeUs / 1000;
          const at = e.where >= 0 && AT_INSTANCE.has(name) ? n.instances[e.where] : '';
          if (e.sender < 0)
            return void ev.push({ kind: name, t, id: `#${e.aux}`, key: -1, at, inst: '' });
          const inst = e.instance >= 0 ? n.instances[e.instance] : '';
          const id = `${n.senders[e.sender]}:${e.seq}`;
          ev.push({ kind: name, t, id, key: e.key, at, inst });
        },
      },
    ],
  });
  return { r: sim.run(), ev };
}

const constant = (value: number) => ({ kind: 'constant', value });
const between = (x: number, low: number, high: number) => {
  expect(x).toBeGreaterThan(low);
  expect(x).toBeLessThan(high);
};
const of = (ev: Seen[], kind: string) => ev.filter((e) => e.kind === kind);
const times = (ev: Seen[], kind: string) => of(ev, kind).map((e) => e.t);

/** Producer `p` → queue `q` → consumer `c` (1 ms service unless overridden). */
function pipe(producer: object, consumer: object = {}, extra: object = {}, queue: object = {}) {
  return {
    producers: [{ id: 'p', to: 'q', ...producer }],
    channels: [{ id: 'q', kind: 'queue', ...queue }],
    consumers: [{ id: 'c', from: 'q', service: constant(1), ...consumer }],
    ...extra,
  };
}
const zeros = (n: number) => ({ rate: { kind: 'trace', at: Array(n).fill(0) } });
const perSecond = (kind: string, n: number) => ({ rate: { kind, perSecond: n } });

describe('producer option rate', () => {
  it('constant publishes exactly perSecond evenly spaced messages, from time 0', () => {
    // (A run also handles events at exactly `duration`: with 1000 ms a 101st publish at 1000 ms.)
    const { ev } = run({ ...pipe(perSecond('constant', 100)), duration: 995 });
    const t = times(ev, 'published');
    expect(t).toHaveLength(100);
    expect(t.slice(0, 3)).toEqual([0, 10, 20]);
    expect(t.at(-1)).toBe(990);
  });

  it('poisson publishes about perSecond with exponential gaps', () => {
    const { ev } = run({ ...pipe(perSecond('poisson', 1000)), duration: 2000 });
    const t = times(ev, 'published');
    between(t.length, 1850, 2150);
    const gaps = t.slice(1).map((x, i) => x - t[i]);
    const mean = gaps.reduce((a, b) => a + b) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    between(sd / mean, 0.9, 1.1); // coefficient of variation 1 for exponential gaps
  });

  it('bursty publishes at burstPerSecond during each burst and perSecond between them', () => {
    const rate = { kind: 'bursty', perSecond: 10, burstPerSecond: 2000 };
    const { ev } = run({
      ...pipe({ rate: { ...rate, burstEvery: 1000, burstLength: 100 } }),
      duration: 5000,
    });
    const t = times(ev, 'published');
    const inBurst = t.filter((x) => x % 1000 < 100).length;
    between(inBurst, 900, 1100); // ≈ 5 × 200
    between(t.length - inBurst, 20, 80); // ≈ 5 × 9
  });

  it('steps follows the piecewise rates and stops after a final rate of 0', () => {
    const steps = [
      [0, 100],
      [1000, 1000],
      [2000, 0],
    ];
    const { ev } = run({ ...pipe({ rate: { kind: 'steps', steps } }), duration: 3000 });
    const t = times(ev, 'published');
    const low = t.filter((x) => x < 1000).length;
    const high = t.filter((x) => x >= 1000 && x < 2000).length;
    between(low, 65, 135);
    between(high, 900, 1100);
    expect(t.filter((x) => x >= 2000)).toEqual([]);
  });

  it('trace publishes at exactly the given times', () => {
    const { ev } = run(pipe({ rate: { kind: 'trace', at: [3, 3, 250.5, '0.5s'] } }));
    expect(times(ev, 'published')).toEqual([3, 3, 250.5, 500]);
  });
});

describe('producer options count, start and stop', () => {
  it('count caps the number of messages', () => {
    const { r } = run(pipe({ ...perSecond('constant', 1000), count: 7 }));
    expect(r.totals.published).toBe(7);
  });

  it('start and stop bound the publishing window', () => {
    const { ev } = run(pipe({ ...perSecond('constant', 100), start: 200, stop: 500 }));
    const t = times(ev, 'published');
    expect(t).toHaveLength(30);
    expect([t[0], t.at(-1)]).toEqual([200, 490]);
  });
});

describe('producer option keys', () => {
  const keysOf = (keys: object) =>
    of(run(pipe({ ...perSecond('constant', 1000), keys })).ev, 'published').map((e) => e.key);
  const freq = (ks: number[], k: number) => ks.filter((x) => x === k).length;

  it('none gives keyless messages', () => {
    expect(new Set(keysOf({ kind: 'none' }))).toEqual(new Set([-1]));
  });

  it('roundRobin cycles through the keys', () => {
    expect(keysOf({ kind: 'roundRobin', count: 3 }).slice(0, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('uniform uses every key about equally', () => {
    const ks = keysOf({ kind: 'uniform', count: 4 });
    for (const k of [0, 1, 2, 3]) expect(freq(ks, k)).toBeGreaterThan(200);
    expect(Math.max(...ks)).toBe(3);
  });

  it('zipf makes key 0 the hottest, about 2^s times as frequent as key 1', () => {
    const ks = keysOf({ kind: 'zipf', count: 10, s: 1.5 });
    const ratio = freq(ks, 0) / freq(ks, 1);
    between(ratio, 2.2, 3.6);
    expect(Math.max(...ks)).toBeLessThanOrEqual(9);
  });
});

describe('producer option size', () => {
  it('is reported as processed bytes per second', () => {
    const { r } = run(pipe({ ...perSecond('constant', 100), size: constant(512) }));
    expect(r.totals.processed).toBe(100);
    expect(r.throughput.bytesPerSec).toBe(51200);
  });
});

describe('producer options confirm and idempotent', () => {
  const lostConfirms = { network: { confirmLoss: 0.9999 } };
  const confirm = { timeout: 100, retries: 2, backoff: 0 };

  it('confirms every accepted publish without retries when nothing is lost', () => {
    const { r, ev } = run(pipe({ ...zeros(5), confirm }));
    expect(of(ev, 'confirmed')).toHaveLength(5);
    expect(r.totals).toMatchObject({ published: 5, duplicatesEnqueued: 0, publishFailed: 0 });
  });

  it('retries an unconfirmed publish with the same id, then gives up after retries', () => {
    const { r, ev } = run(pipe({ ...zeros(1), confirm }, {}, lostConfirms));
    expect(of(ev, 'published').map((e) => `${e.id}@${e.t}`)).toEqual([
      'p:1@0',
      'p:1@100',
      'p:1@200',
    ]);
    expect(times(ev, 'publishFailed')).toEqual([300]);
    expect(r.totals).toMatchObject({ publishFailed: 1, enqueued: 1, duplicatesEnqueued: 2 });
    expect(r.totals.duplicatesProcessed).toBe(2);
  });

  it('confirm: true retries 3 times after 1 s timeouts with a doubling 100 ms backoff', () => {
    const { ev } = run({
      ...pipe({ ...zeros(1), confirm: true }, {}, lostConfirms),
      duration: 9000,
    });
    expect(times(ev, 'published')).toEqual([0, 1100, 2300, 3700]);
    expect(times(ev, 'publishFailed')).toEqual([4700]);
  });

  it('idempotent makes the broker drop the retried copies it already holds', () => {
    const { r } = run(pipe({ ...zeros(1), confirm, idempotent: true }, {}, lostConfirms));
    expect(r.totals).toMatchObject({ published: 3, deduplicated: 2, duplicatesEnqueued: 0 });
    expect(r.totals).toMatchObject({ processed: 1, duplicatesProcessed: 0 });
  });
});

describe('consumer options instances, prefetch, concurrency and service', () => {
  it('instances share the work: three instances finish nine jobs three times sooner', () => {
    const last = (instances: number) =>
      times(run(pipe(zeros(9), { instances, service: constant(10) })).ev, 'processed').at(-1);
    expect(last(1)).toBe(90);
    expect(last(3)).toBe(30);
  });

  it('prefetch caps the unacked deliveries of each instance', () => {
    const peak = (prefetch: number) => {
      const { ev } = run(
        pipe(zeros(20), { instances: 2, prefetch }, { network: { latency: constant(1) } }),
      );
      const unacked = new Map<string, number>();
      let max = 0;
      for (const e of ev) {
        if (e.kind === 'delivered') unacked.set(e.at, (unacked.get(e.at) ?? 0) + 1);
        if (e.kind === 'acked') unacked.set(e.inst, unacked.get(e.inst)! - 1);
        max = Math.max(max, ...unacked.values());
      }
      return max;
    };
    expect(peak(3)).toBe(3);
    expect(peak(1)).toBe(1);
  });

  it('concurrency runs that many messages at once per instance, never more', () => {
    const { ev } = run(pipe(zeros(10), { concurrency: 3, prefetch: 10, service: constant(10) }));
    let busy = 0;
    let max = 0;
    for (const e of ev) {
      if (e.kind === 'started') max = Math.max(max, ++busy);
      if (e.kind === 'processed') busy--;
    }
    expect(max).toBe(3);
    expect(times(ev, 'processed').at(-1)).toBe(40);
  });

  it('service sets the processing time', () => {
    const fixed = run(pipe(zeros(5), { service: constant(7) })).r;
    expect(fixed.latency.service.mean).toBeCloseTo(7, 1);
    const expo = { service: { kind: 'exponential', mean: 5 } };
    const random = run({ ...pipe(perSecond('poisson', 100), expo), duration: 20_000 }).r;
    between(random.latency.service.mean, 4.6, 5.4);
  });
});

describe('consumer options failRate, poison and idempotent', () => {
  const load = { ...perSecond('constant', 1000), count: 1000 };
  const drained = { until: 'drained', duration: null };

  it('failRate nacks about that fraction of attempts, which are redelivered', () => {
    const { r } = run(pipe(load, { failRate: 0.3, prefetch: 5 }, drained));
    between(r.totals.nacked / r.totals.delivered, 0.25, 0.35);
    expect(r.totals.redelivered).toBe(r.totals.nacked);
    expect(r.totals.processed).toBe(1000);
  });

  it('poison messages fail every attempt until maxDeliveries dead-letters them', () => {
    const { r } = run(pipe(load, { poison: 0.2, prefetch: 5 }, drained, { maxDeliveries: 3 }));
    const t = r.totals;
    between(t.deadLettered, 160, 240);
    expect(t.nacked).toBe(3 * t.deadLettered);
    expect(t.redelivered).toBe(2 * t.deadLettered);
    expect(t.processed + t.deadLettered).toBe(1000);
  });

  it('idempotent suppresses the second side effect of a redelivered message', () => {
    // The ack timeout (50 ms) is shorter than the service (80 ms): every delivery is repeated.
    const slow = (idempotent: boolean) =>
      run(pipe(zeros(1), { service: constant(80), idempotent }, {}, { ackTimeout: 50 })).r.totals;
    expect(slow(false).duplicatesProcessed).toBeGreaterThan(0);
    expect(slow(true).duplicatesProcessed).toBe(0);
    expect(slow(true).duplicatesSuppressed).toBe(slow(false).duplicatesProcessed);
  });
});

describe('consumer option emit', () => {
  // p → q → a (10 ms) → emit → next → b (5 ms), 1 ms per hop.
  const chain = (probability: number, producer: object) =>
    run({
      producers: [{ id: 'p', to: 'q', ...producer }],
      channels: [
        { id: 'q', kind: 'queue' },
        { id: 'next', kind: 'queue' },
      ],
      consumers: [
        { id: 'a', from: 'q', service: constant(10), emit: [{ to: 'next', probability }] },
        { id: 'b', from: 'next', service: constant(5) },
      ],
      network: { latency: constant(1) },
      duration: 5000,
    }).r;

  it('publishes onward and measures latency from the original publish', () => {
    const r = chain(1, zeros(1));
    expect(r.consumers.b.latency.mean).toBeCloseTo(7, 1); // emit at 12 → done at 19
    expect(r.consumers.b.latencyFromOrigin.mean).toBeCloseTo(19, 1);
    expect(queueReport(r, 'next').enqueued).toBe(1);
  });

  it('with probability < 1 emits about that fraction', () => {
    const r = chain(0.3, { ...perSecond('constant', 50), count: 200 });
    expect(queueReport(r, 'q').processed).toBe(200);
    between(queueReport(r, 'next').enqueued, 40, 80);
  });
});

describe('network options', () => {
  it('latency adds one hop to the broker and one to the consumer', () => {
    const { r } = run(
      pipe(zeros(1), { service: constant(10) }, { network: { latency: constant(5) } }),
    );
    expect(r.latency.endToEnd.mean).toBeCloseTo(20, 1);
    expect(r.latency.queueWait.mean).toBeCloseTo(10, 1);
  });

  const lossy = (network: object) =>
    run(
      pipe(
        { ...perSecond('constant', 200), count: 100, confirm: { timeout: 50, retries: 5 } },
        { prefetch: 5 },
        { network },
        { ackTimeout: 100 },
      ),
    ).r.totals;

  it('ackLoss loses acks, so deliveries time out and are redelivered', () => {
    const t = lossy({ ackLoss: 0.2 });
    expect(t.redelivered).toBeGreaterThan(5);
    expect(t.duplicatesProcessed).toBeGreaterThan(5);
    expect(t.published).toBe(100); // confirms are not affected
    expect(lossy({}).redelivered).toBe(0);
  });

  it('confirmLoss loses confirms only, so producers retry', () => {
    const t = lossy({ confirmLoss: 0.2 });
    expect(t.published).toBeGreaterThan(105);
    expect(t.duplicatesEnqueued).toBe(t.published - 100);
    expect(t.redelivered).toBe(0);
  });

  it('loss applies to both unless overridden', () => {
    const both = lossy({ loss: 0.2 });
    expect(both.published).toBeGreaterThan(105);
    expect(both.redelivered).toBeGreaterThan(5);
    const acksOnly = lossy({ loss: 0.2, confirmLoss: 0 });
    expect(acksOnly.published).toBe(100);
    expect(acksOnly.redelivered).toBeGreaterThan(5);
  });
});
