// The report's breakdowns (issue 12, item 5): depth split into ready and unacked per channel,
// dead letters counted by reason on the channel they are sent to, and end-to-end latency p50/p99
// per sampling interval in `series`. Each is checked against something computed independently:
// queueing theory and Little's law, the source queues' own fate counts, and the exact quantiles
// of the completions an observer saw in each interval.

import { describe, expect, it } from 'vitest';
import {
  Ev,
  Merge,
  Series,
  Simulation,
  eventMask,
  isExchangeReport,
  nearestRank,
  queueReport,
  reportCsv,
  validateScenario,
} from '../../sim-core/index';
import type { Report, SimObserver } from '../../sim-core/index';

function simulation(raw: Record<string, unknown>, observers: SimObserver[] = []): Simulation {
  const v = validateScenario({ name: 'report extensions', ...raw });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { checkInvariants: true, observers });
}

const run = (raw: Record<string, unknown>): Report => simulation(raw).run();
const exponential = (mean: number) => ({ kind: 'exponential', mean });
const constant = (value: number) => ({ kind: 'constant', value });

describe('channel depth: ready and unacked', () => {
  // M/M/1 at utilisation 0.5 (50 msg/s, 10 ms mean service), one worker, no network latency:
  // L = ρ / (1 − ρ) = 1 message in the system, Lq = ρ² / (1 − ρ) = 0.5 of them waiting.
  const mm1 = (prefetch: number): Report =>
    run({
      duration: '400s',
      warmup: '10s',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 50 } }],
      channels: [{ id: 'q', kind: 'queue' }],
      consumers: [{ id: 'w', from: 'q', prefetch, service: exponential(10) }],
    });

  it('with a deep prefetch the waiting is in the consumer: unacked ≈ L, ready ≈ 0', () => {
    const q = queueReport(mm1(1000), 'q');
    expect(q.readyMean).toBeLessThan(0.001);
    expect(q.unackedMean).toBeGreaterThan(0.85);
    expect(q.unackedMean).toBeLessThan(1.15);
    expect(q.readyMax).toBeLessThanOrEqual(1); // momentary: an arrival is delivered at once
    expect(q.unackedMax).toBe(q.depthMax);
  });

  it('with prefetch 1 the waiting is in the queue: ready ≈ Lq, unacked ≈ ρ', () => {
    const r = mm1(1);
    const q = queueReport(r, 'q');
    expect(q.readyMean).toBeGreaterThan(0.4);
    expect(q.readyMean).toBeLessThan(0.6);
    expect(q.unackedMean).toBeCloseTo(r.consumers.w.utilization, 2);
    expect(q.unackedMax).toBe(1);
    expect(q.readyMax).toBe(q.depthMax - 1);
  });

  it('splits depth exactly: the means add up to depthMean, the maxima bound depthMax', () => {
    for (const prefetch of [1, 3, 1000]) {
      const q = queueReport(mm1(prefetch), 'q');
      expect(q.readyMean! + q.unackedMean!).toBeCloseTo(q.depthMean, 12);
      expect(q.depthMax).toBeGreaterThanOrEqual(Math.max(q.readyMax!, q.unackedMax!));
      expect(q.depthMax).toBeLessThanOrEqual(q.readyMax! + q.unackedMax!);
      expect(q.unackedMax).toBeLessThanOrEqual(prefetch);
    }
  });

  it('a consumer that never acks holds its prefetch unacked to the end; the rest waits ready', () => {
    const r = run({
      until: 'drained',
      duration: '10s',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 }, count: 200 }],
      channels: [{ id: 'q', kind: 'queue' }],
      consumers: [
        { id: 'w', from: 'q', instances: 2, prefetch: 5, neverAck: true, service: constant(2) },
      ],
    });
    const q = queueReport(r, 'q');
    expect(q.unackedMax).toBe(10); // two instances × prefetch 5, never released
    expect(q.readyMax).toBe(190);
    expect(q.depthMax).toBe(200);
  });

  it('a log group keeps only its depth (the lag): ready and unacked do not apply', () => {
    const r = run({
      duration: '2s',
      producers: [{ id: 'p', to: 'ledger', rate: { kind: 'constant', perSecond: 100 } }],
      channels: [{ id: 'ledger', kind: 'log', partitions: 2 }],
      consumers: [{ id: 'audit', from: 'ledger', service: constant(1) }],
    });
    const g = queueReport(r, 'ledger/audit');
    expect(g.depthMax).toBeGreaterThan(0);
    for (const f of ['readyMax', 'readyMean', 'unackedMax', 'unackedMean'])
      expect(g, f).not.toHaveProperty(f);
  });
});

describe('dead-letter reasons', () => {
  /** 200 messages into `q` (dead-lettering into `dlq`), read by `consumer`. */
  const dlq = (
    consumer: Record<string, unknown>,
    queue: Record<string, unknown> = {},
    rate = 100,
  ): Report =>
    run({
      until: 'drained',
      duration: '60s',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: rate }, count: 200 }],
      channels: [
        { id: 'q', kind: 'queue', deadLetter: 'dlq', ...queue },
        { id: 'dlq', kind: 'queue' },
      ],
      consumers: [{ id: 'w', from: 'q', service: constant(2), ...consumer }],
    });
  const reasons = (r: Report, name = 'dlq') => queueReport(r, name).deadLetterReasons;

  it('a reject without requeue is `rejected`, even on the last delivery maxDeliveries allows', () => {
    const r = dlq({ reject: { probability: 1 } }, { maxDeliveries: 1 });
    expect(reasons(r)).toEqual({ rejected: 200, expired: 0, maxDeliveries: 0, maxLength: 0 });
    expect(queueReport(r, 'dlq').enqueued).toBe(200);
  });

  it('a reject with requeue is a failed delivery: at the limit it is `maxDeliveries`', () => {
    const r = dlq({ reject: { probability: 1, requeue: true } }, { maxDeliveries: 1 });
    expect(reasons(r)).toEqual({ rejected: 0, expired: 0, maxDeliveries: 200, maxLength: 0 });
  });

  it('tells rejects from poison messages reaching maxDeliveries in one queue', () => {
    const r = dlq({ reject: { probability: 0.3 }, poison: 0.2 }, { maxDeliveries: 2 });
    const d = reasons(r)!;
    expect(d.rejected).toBeGreaterThan(0);
    expect(d.maxDeliveries).toBeGreaterThan(0);
    expect(d.rejected + d.maxDeliveries).toBe(queueReport(r, 'q').deadLettered);
    expect(d.rejected + d.maxDeliveries).toBe(queueReport(r, 'dlq').enqueued);
  });

  it('counts TTL expiries as `expired`, as many as the queue expired', () => {
    // One slow worker (50 ms each) behind 100 msg/s: the backlog outlives a 200 ms ttl.
    const r = dlq({ service: constant(50) }, { ttl: 200 });
    const expired = queueReport(r, 'q').expired;
    expect(expired).toBeGreaterThan(50);
    expect(reasons(r)).toEqual({ rejected: 0, expired, maxDeliveries: 0, maxLength: 0 });
    expect(queueReport(r, 'dlq').enqueued).toBe(expired);
  });

  it('counts drop-head overflow as `maxLength`, as many as the queue dropped', () => {
    const r = dlq({ service: constant(50) }, { maxLength: 5 });
    const dropped = queueReport(r, 'q').dropped;
    expect(dropped).toBeGreaterThan(50);
    expect(reasons(r)).toEqual({ rejected: 0, expired: 0, maxDeliveries: 0, maxLength: dropped });
  });

  it('counts the dead letters sent, also those whose copy a consumer then processes', () => {
    // Every delivery times out unacked (and is processed each time): the third dead-letters it,
    // although each copy's outcome is its first processing (totals.deadLettered stays 0).
    const r = dlq({ neverAck: true, prefetch: 50 }, { ackTimeout: '1s', maxDeliveries: 3 });
    expect(r.totals.deadLettered).toBe(0);
    expect(reasons(r)).toEqual({ rejected: 0, expired: 0, maxDeliveries: 200, maxLength: 0 });
  });

  it('sits only on channels a deadLetter names: an exchange, and each subscription of a topic', () => {
    const r = run({
      until: 'drained',
      duration: '10s',
      producers: [
        { id: 'a', to: 'qa', rate: { kind: 'constant', perSecond: 100 }, count: 20 },
        { id: 'b', to: 'qb', rate: { kind: 'constant', perSecond: 100 }, count: 30 },
      ],
      channels: [
        { id: 'qa', kind: 'queue', maxDeliveries: 1, deadLetter: 'dlx' },
        { id: 'qb', kind: 'queue', maxDeliveries: 1, deadLetter: 'dead' },
        {
          id: 'dlx',
          kind: 'exchange',
          type: 'fanout',
          bindings: [{ to: 'parked' }],
        },
        { id: 'parked', kind: 'queue' },
        {
          id: 'dead',
          kind: 'topic',
          subscriptions: [{ id: 'alerts' }, { id: 'archive' }],
        },
      ],
      consumers: [
        { id: 'wa', from: 'qa', poison: 1, service: constant(1) },
        { id: 'wb', from: 'qb', poison: 1, service: constant(1) },
      ],
    });
    const dlx = r.channels.dlx;
    expect(isExchangeReport(dlx)).toBe(true);
    const twenty = { rejected: 0, expired: 0, maxDeliveries: 20, maxLength: 0 };
    const thirty = { ...twenty, maxDeliveries: 30 };
    expect(dlx.deadLetterReasons).toEqual(twenty);
    expect(reasons(r, 'dead/alerts')).toEqual(thirty);
    expect(reasons(r, 'dead/archive')).toEqual(thirty);
    for (const name of ['qa', 'qb', 'parked'])
      expect(r.channels[name], name).not.toHaveProperty('deadLetterReasons');
  });

  it('puts the reasons in the CSV report as columns of their channel', () => {
    const csv = reportCsv(dlq({ reject: { probability: 1 } })).split('\n');
    const header = csv[0].split(',');
    const row = csv[1].split(',');
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('channels.dlq.deadLetterReasons.rejected')).toBe('200');
    expect(cell('channels.dlq.deadLetterReasons.maxLength')).toBe('0');
    expect(header).not.toContain('channels.q.deadLetterReasons.rejected');
  });
});

describe('series: end-to-end latency per sampling interval', () => {
  /** Primary, measured completions: [completion µs, latency µs], as an observer sees them. */
  function completions(): { observer: SimObserver; seen: Array<[number, number]> } {
    const seen: Array<[number, number]> = [];
    return {
      seen,
      observer: {
        kinds: eventMask(Ev.processed),
        onEvent(e) {
          if (e.primary) seen.push([e.timeUs, e.timeUs - e.publishUs]);
        },
      },
    };
  }

  /** The exact nearest-rank quantile in ms, or null for no values. */
  function exactMs(latenciesUs: number[], q: number): number | null {
    if (latenciesUs.length === 0) return null;
    const sorted = [...latenciesUs].sort((a, b) => a - b);
    return sorted[nearestRank(q, sorted.length) - 1] / 1000;
  }

  /** Latencies of the completions in [fromMs, toMs). */
  const inInterval = (seen: Array<[number, number]>, fromMs: number, toMs: number) =>
    seen.filter(([t]) => t >= fromMs * 1000 && t < toMs * 1000).map(([, l]) => l);

  const workers = (raw: Record<string, unknown> = {}) => ({
    duration: '30s',
    producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 100 } }],
    channels: [{ id: 'q', kind: 'queue' }],
    consumers: [{ id: 'w', from: 'q', instances: 2, heartbeat: '2s', service: exponential(12) }],
    network: { latency: constant(1) },
    ...raw,
  });

  it('holds each interval’s p50 and p99 of the completions in it (within the histogram’s 0.4%)', () => {
    const { observer, seen } = completions();
    const r = simulation(workers({ sampleEvery: '1s' }), [observer]).run();
    const { t, latencyP50, latencyP99 } = r.series;
    expect(t).toHaveLength(30); // 1 s .. 30 s: the end of the run is a sampling instant too
    expect(latencyP50).toHaveLength(t.length);
    for (let i = 0; i < t.length; i++) {
      const window = inInterval(seen, i === 0 ? 0 : t[i - 1]!, t[i]!);
      expect(window.length).toBeGreaterThan(50);
      for (const [column, q] of [
        [latencyP50, 0.5],
        [latencyP99, 0.99],
      ] as const) {
        const exact = exactMs(window, q)!;
        expect(Math.abs(column[i]! - exact), `t ${t[i]} q ${q}`).toBeLessThanOrEqual(exact * 0.004);
      }
    }
  });

  it('shows p99 before vs after a crash: it rises once workers#2 is gone', () => {
    // Two workers at 60% each; at 10 s one crashes for 10 s and the other is overloaded (120%).
    const r = run(workers({ faults: [{ at: '10s', crash: 'w#2', restart: '10s' }] }));
    const { t, latencyP99 } = r.series;
    const p99 = (fromMs: number, toMs: number) =>
      t.flatMap((x, i) => (x! > fromMs && x! <= toMs ? [latencyP99[i]!] : []));
    const before = p99(0, 10_000);
    const during = p99(12_000, 20_000);
    expect(before.length).toBeGreaterThan(50);
    expect(Math.max(...before)).toBeLessThan(250);
    expect(Math.min(...during)).toBeGreaterThan(3 * Math.max(...before));
  });

  it('is null in intervals without measured completions: in the warmup, and after the last one', () => {
    const r = run(
      workers({
        warmup: '5s',
        producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 }, count: 1500 }],
        sampleEvery: '1s',
      }),
    );
    const { t, latencyP50, latencyP99 } = r.series;
    t.forEach((x, i) => {
      const measured = x! > 5000 && x! <= 16_000; // published after 5 s, the last at 15 s
      for (const column of [latencyP50, latencyP99])
        expect(column[i] === null, `t ${x}`).toBe(!measured);
      if (measured) expect(latencyP50[i]!).toBeLessThanOrEqual(latencyP99[i]!);
    });
    // JSON keeps null (it has no NaN).
    expect(JSON.parse(JSON.stringify(r)).series.latencyP99).toEqual(latencyP99);
  });

  it('when a long series coarsens, a merged point bounds the merged interval’s p99 from above', () => {
    const { observer, seen } = completions();
    // 5,000 samples of 2 ms: past Series.MAX_POINTS (4,000) it halves to 2,500 of 4 ms, each
    // with about 4 completions (1,000 msg/s into 20 workers at 60%).
    const raw = workers({ duration: '10s', sampleEvery: 2 });
    const r = simulation(
      {
        ...raw,
        producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 1000 } }],
        consumers: [{ id: 'w', from: 'q', instances: 20, service: exponential(12) }],
      },
      [observer],
    ).run();
    const { t, latencyP99 } = r.series;
    expect(t.length).toBeLessThan(Series.MAX_POINTS);
    expect(t[1]! - t[0]!).toBe(4);
    let checked = 0;
    for (let i = 1; i < t.length; i++) {
      const exact = exactMs(inInterval(seen, t[i - 1]!, t[i]!), 0.99);
      expect(latencyP99[i] === null, `t ${t[i]}`).toBe(exact === null);
      if (exact === null) continue;
      expect(latencyP99[i]!).toBeGreaterThanOrEqual(exact * 0.996);
      checked++;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('merges points by column: levels keep the later, rates average, quantiles keep the larger', () => {
    const s = new Series(1);
    s.t.push(1, 2, 3, 4, 5, 6);
    s.column('level').push(1, 2, 3, 4, 5, 6);
    s.column('rate').push(1, 3, 5, null, 2, 4);
    s.column('p99').push(7, 5, null, null, null, 3);
    const merges: Record<string, Merge> = {
      level: Merge.later,
      rate: Merge.mean,
      p99: Merge.larger,
    };
    s.coarsen((name) => merges[name]);
    expect(s.t).toEqual([2, 4, 6]);
    expect(s.columns.get('level')).toEqual([2, 4, 6]);
    expect(s.columns.get('rate')).toEqual([2, 5, 3]);
    expect(s.columns.get('p99')).toEqual([7, null, 3]);
    expect(s.everyUs).toBe(2);
  });
});
