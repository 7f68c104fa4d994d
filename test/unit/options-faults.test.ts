// Broker options, scheduled faults, consumer crash options (ack, crashes, heartbeat) and the
// top-level options (warmup, until, sampleEvery, seed, limits), each with a tiny scenario.

import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  BudgetExceededError,
  Simulation,
  eventName,
  validateScenario,
} from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

/** An observed event: time in ms, message id, instance (or "broker"), delivery number. */
type Seen = { kind: string; t: number; id: string; at: string; aux: number };

const AT_INSTANCE = new Set(['delivered', 'started', 'processed', 'reprocessed']);
['crashed', 'recovered'].forEach((k) => AT_INSTANCE.add(k));

function simulate(raw: object, seed?: number): { sim: Simulation; ev: Seen[] } {
  const v = validateScenario({ name: 'fault options', duration: 1000, ...raw });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const ev: Seen[] = [];
  const sim: Simulation = new Simulation(v.scenario, {
    seed,
    observers: [
      {
        kinds: ALL_EVENTS,
        onEvent(e) {
          const n = sim.names;
          const name = eventName(e.kind);
          let at = '';
          if (AT_INSTANCE.has(name)) at = e.where >= 0 ? n.instances[e.where] : 'broker';
          const id = e.sender >= 0 ? `${n.senders[e.sender]}:${e.seq}` : '';
          ev.push({ kind: name, t: e.timeUs / 1000, id, at, aux: e.aux });
        },
      },
    ],
  });
  return { sim, ev };
}

function run(raw: object, seed?: number): { r: Report; ev: Seen[] } {
  const { sim, ev } = simulate(raw, seed);
  return { r: sim.run(), ev };
}

const constant = (value: number) => ({ kind: 'constant', value });
const of = (ev: Seen[], kind: string, at?: string) =>
  ev.filter((e) => e.kind === kind && (at === undefined || e.at === at));
const times = (ev: Seen[], kind: string, at?: string) => of(ev, kind, at).map((e) => e.t);

/** Producer `p` → queue `q` → consumer `c`; constant 100 msg/s unless overridden. */
function pipe(consumer: object = {}, extra: object = {}, producer: object = {}) {
  return {
    producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 }, ...producer }],
    channels: [{ id: 'q', kind: 'queue' }],
    consumers: [{ id: 'c', from: 'q', service: constant(5), ...consumer }],
    ...extra,
  };
}
const zeros = (n: number) => ({ rate: { kind: 'trace', at: Array(n).fill(0) } });

describe('broker options', () => {
  // A backlog builds (2 × 30 ms per message against 100 msg/s); the broker is down 500–600 ms.
  const brokerCrash = (durable: boolean) =>
    run(
      pipe(
        { instances: 2, prefetch: 10, service: constant(30) },
        { broker: { durable }, faults: [{ at: 500, crash: 'broker', restart: 100 }] },
      ),
    ).r.totals;

  it('durable: true loses nothing in a broker crash; unacked messages are redelivered', () => {
    const t = brokerCrash(true);
    expect(t).toMatchObject({ lost: 0, rejected: 10 });
    expect(t.redelivered).toBeGreaterThan(0);
  });

  it('durable: false loses every message the broker held', () => {
    const t = brokerCrash(false);
    expect(t.lost).toBeGreaterThan(10);
    expect(t).toMatchObject({ rejected: 10, redelivered: 0 });
  });

  it('crashes makes the broker crash at random and reject publishes while down', () => {
    const { r, ev } = run(
      pipe({}, { broker: { crashes: { mtbf: 300, restart: 50 } }, duration: 3000 }),
    );
    const down = times(ev, 'crashed', 'broker');
    const up = times(ev, 'recovered', 'broker');
    expect(down.length).toBeGreaterThanOrEqual(3);
    up.forEach((t, i) => expect(t).toBe(down[i] + 50));
    const rejected = times(ev, 'rejected');
    expect(rejected.length).toBe(r.totals.rejected);
    expect(rejected.length).toBeGreaterThan(0);
    for (const t of rejected) expect(down.some((d) => t >= d && t < d + 50)).toBe(true);
  });
});

describe('crash faults', () => {
  const crash = (target: string, restart: number | null) =>
    run(
      pipe(
        { instances: 2, heartbeat: 20 },
        { faults: [{ at: 100, crash: target, restart }], duration: 500 },
      ),
    );

  it('crashes one instance, which restarts after restart', () => {
    const { r, ev } = crash('c#2', 50);
    expect(of(ev, 'crashed').map((e) => [e.at, e.t])).toEqual([['c#2', 100]]);
    expect(times(ev, 'recovered', 'c#2')).toEqual([150]);
    expect(r.consumers.c.crashes).toBe(1);
    expect(times(ev, 'processed', 'c#2').some((t) => t > 150)).toBe(true);
    expect(r.totals.lost).toBe(0);
  });

  it('without restart the instance stays down and the other one takes over', () => {
    const { r, ev } = crash('c#2', null);
    expect(of(ev, 'recovered')).toEqual([]);
    expect(times(ev, 'processed', 'c#2').every((t) => t < 100)).toBe(true);
    expect(times(ev, 'processed', 'c#1').some((t) => t > 400)).toBe(true);
    expect(r.totals.lost).toBe(0);
    expect(r.totals.processed + r.totals.pendingAtEnd).toBe(r.totals.published);
  });

  it('a consumer id crashes all its instances', () => {
    const { r, ev } = crash('c', null);
    expect(of(ev, 'crashed').map((e) => e.at)).toEqual(['c#1', 'c#2']);
    expect(r.consumers.c.crashes).toBe(2);
    expect(times(ev, 'processed').every((t) => t < 100)).toBe(true);
    expect(r.totals.pendingAtEnd).toBe(r.totals.published - 10);
  });

  it('the broker stops taking publishes until it restarts, or for good', () => {
    const restarted = crash('broker', 100).r.totals;
    expect(restarted.rejected).toBe(10); // 100 ... 190 ms
    const never = crash('broker', null).r.totals;
    expect(never.rejected).toBe(40); // 100 ... 490 ms: the run covers [0, 500)
    expect(never.processed).toBe(10);
  });
});

describe('consumer options ack, heartbeat and crashes', () => {
  // Ten messages at 0 ms, 10 ms each; the only instance crashes at 25 ms and restarts at once.
  const crashAt25 = (consumer: object) =>
    run(
      pipe(
        { service: constant(10), heartbeat: 20, ...consumer },
        {
          faults: [{ at: 25, crash: 'c#1', restart: 0 }],
        },
        zeros(10),
      ),
    ).r.totals;

  it('auto ack loses what a crashed instance held and never redelivers', () => {
    const t = crashAt25({ ack: 'auto', prefetch: 1 });
    expect(t).toMatchObject({ processed: 2, lost: 8, redelivered: 0 });
  });

  it('manual ack redelivers what a crashed instance had not acked', () => {
    const t = crashAt25({ ack: 'manual', prefetch: 1 });
    expect(t).toMatchObject({ processed: 10, lost: 0, redelivered: 1 });
  });

  // Six messages at 0 ms on two instances with prefetch 3: c#1 holds three unacked when it fails at 5.
  const failAt5 = (fault: object, heartbeat: number, latency = 0) => {
    const { ev } = run(
      pipe(
        { instances: 2, prefetch: 3, heartbeat, service: constant(10) },
        { faults: [{ at: 5, ...fault }], network: { latency: constant(latency) } },
        zeros(6),
      ),
    );
    return ev;
  };
  const redeliveries = (ev: Seen[]) => of(ev, 'delivered').filter((e) => e.aux > 1);

  it('a crashed instance’s socket closes: its unacked deliveries come back one hop later', () => {
    for (const latency of [0, 3]) {
      const ev = failAt5({ crash: 'c#1' }, 100, latency);
      // The close reaches the broker one hop after the crash, which requeues at once; c#2 takes
      // them as it frees credit: its first ack lands after the publish, delivery and ack hops.
      expect(times(ev, 'requeued')).toEqual([5 + latency, 5 + latency, 5 + latency]);
      expect(redeliveries(ev)).toHaveLength(3);
      expect(redeliveries(ev)[0]).toMatchObject({ t: 10 + 3 * latency, at: 'c#2' });
    }
  });

  it('heartbeat: a frozen instance’s unacked deliveries come back only after it', () => {
    for (const heartbeat of [30, 100]) {
      const again = redeliveries(failAt5({ freeze: 'c#1', for: 1000 }, heartbeat));
      expect(again.length).toBe(3);
      expect(again[0]).toMatchObject({ t: 5 + heartbeat, at: 'c#2' });
    }
  });

  it('a freeze no longer than the heartbeat goes unnoticed: the work just finishes later', () => {
    const ev = failAt5({ freeze: 'c#1', for: 30 }, 50);
    expect(redeliveries(ev)).toEqual([]);
    // c#1 started p:1 at 0 (10 ms of work); the 30 ms hang from 5 ms stalls it: done at 40.
    expect(of(ev, 'processed').find((e) => e.at === 'c#1')).toMatchObject({ t: 40 });
  });

  it('a frozen instance that wakes after the heartbeat finishes redelivered work: a duplicate', () => {
    const { r, ev } = run(
      pipe(
        { instances: 2, prefetch: 1, heartbeat: 20, service: constant(10) },
        { faults: [{ at: 5, freeze: 'c#1', for: 100 }] },
        zeros(2),
      ),
    );
    // c#1's p:1 comes back at 25 and c#2 processes it at 35; c#1 wakes at 105 and finishes it too.
    expect(of(ev, 'processed').map((e) => [e.id, e.at, e.t])).toEqual([
      ['p:2', 'c#2', 10],
      ['p:1', 'c#2', 35],
    ]);
    expect(of(ev, 'reprocessed').map((e) => [e.id, e.at, e.t])).toEqual([['p:1', 'c#1', 110]]);
    expect(r.totals).toMatchObject({ duplicatesProcessed: 1, lost: 0 });
    expect(r.checks.conservation).toBe(true);
  });

  it('crashes makes instances crash at random and come back after restart', () => {
    const { r, ev } = run(
      pipe(
        { instances: 2, heartbeat: 10, crashes: { mtbf: 200, restart: 20 } },
        {
          duration: 2000,
        },
      ),
    );
    expect(r.consumers.c.crashes).toBe(of(ev, 'crashed').length);
    expect(r.consumers.c.crashes).toBeGreaterThan(5);
    expect(r.consumers.c.crashes).toBeLessThan(40);
    expect(r.checks.conservation).toBe(true);
  });
});

describe('partition and slow faults', () => {
  const cutOff = (forMs: number) =>
    run(
      pipe(
        { instances: 2, prefetch: 5, heartbeat: 50, service: constant(15) },
        {
          faults: [{ at: 90, partition: ['c#1'], for: forMs }],
        },
      ),
    );

  it('a partition longer than the heartbeat redelivers the cut-off instance’s unacked work', () => {
    const { r, ev } = cutOff(300);
    const again = of(ev, 'delivered').filter((e) => e.aux > 1);
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((e) => e.t >= 140)).toBe(true);
    // c#1 finished p:9 at 95 ms while cut off: its ack never counted, so p:9 runs twice.
    expect(again[0]).toMatchObject({ id: 'p:9', t: 140, at: 'c#2' });
    expect(r.totals.duplicatesProcessed).toBeGreaterThan(0);
    expect(r.totals.lost).toBe(0);
  });

  it('a partition shorter than the heartbeat only delays traffic', () => {
    const { r } = cutOff(40);
    expect(r.totals).toMatchObject({ redelivered: 0, duplicatesProcessed: 0, lost: 0 });
  });

  it('a partitioned producer’s publishes reach the broker when it heals', () => {
    const { r, ev } = run(pipe({}, { faults: [{ at: 100, partition: ['p'], for: 200 }] }));
    const enqueued = of(ev, 'enqueued');
    expect(enqueued.find((e) => e.id === 'p:11')!.t).toBe(300); // published at 100 ms
    expect(enqueued.find((e) => e.id === 'p:30')!.t).toBe(300); // published at 290 ms
    expect(enqueued.find((e) => e.id === 'p:31')!.t).toBe(300);
    expect(r.latency.endToEnd.max).toBeGreaterThanOrEqual(200);
    expect(r.totals.lost).toBe(0);
  });

  it('slow multiplies the service time of attempts started during the window', () => {
    const { ev } = run(pipe({}, { faults: [{ at: 200, slow: 'c', factor: 4, for: 100 }] }));
    const started = new Map(of(ev, 'started').map((e) => [e.id, e.t]));
    const took = (id: string) => ev.find((e) => e.kind === 'processed' && e.id === id)!.t;
    expect(took('p:20') - started.get('p:20')!).toBe(5); // started at 190
    expect(took('p:21') - started.get('p:21')!).toBe(20); // started at 200
    expect(started.get('p:30')).toBeGreaterThan(300);
    expect(took('p:40') - started.get('p:40')!).toBe(5);
  });
});

describe('top-level options', () => {
  it('warmup leaves earlier messages out of the latency counts', () => {
    const raw = pipe(
      { service: constant(10) },
      {},
      { rate: { kind: 'trace', at: [0, 0, 0, 500] } },
    );
    expect(run(raw).r.latency.endToEnd).toMatchObject({ count: 4 });
    const warm = run({ ...raw, warmup: 400 }).r;
    expect(warm.latency.endToEnd).toMatchObject({ count: 1 });
    expect(warm.latency.endToEnd.max).toBeCloseTo(10, 1);
  });

  it('until: drained stops once everything is processed', () => {
    const { r } = run({
      ...pipe({ service: constant(7) }, {}, { count: 10 }),
      until: 'drained',
      duration: null,
    });
    expect(r.simulatedMs).toBe(97); // last publish at 90 ms + 7 ms
    expect(r.totals).toMatchObject({ processed: 10, pendingAtEnd: 0 });
  });

  it('until: drained runs a trace producer with no count or duration to completion', () => {
    const raw = pipe(
      {},
      { until: 'drained', duration: null },
      { rate: { kind: 'trace', at: [0, 50] } },
    );
    expect(run(raw).r).toMatchObject({ simulatedMs: 55, totals: { processed: 2 } });
  });

  it('sampleEvery sets the time-series resolution (default: duration / 200)', () => {
    const every100 = run({ ...pipe(), sampleEvery: 100 }).r.series;
    expect(every100.t).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(every100['q.depth']).toHaveLength(10);
    expect(run(pipe()).r.series.t).toHaveLength(200);
  });

  it('seed: the same seed repeats the run exactly, another seed changes it', () => {
    const raw = pipe(
      { service: { kind: 'exponential', mean: 5 } },
      { seed: 7 },
      {
        rate: { kind: 'poisson', perSecond: 100 },
      },
    );
    const a = run(raw).r;
    expect(run(raw).r).toEqual(a);
    expect(run(raw, 7).r.traceHash).toBe(a.traceHash);
    expect(run(raw, 8).r.traceHash).not.toBe(a.traceHash);
    expect(run({ ...raw, seed: 8 }).r.traceHash).toBe(run(raw, 8).r.traceHash);
  });

  const budget = (raw: object) => {
    try {
      run(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(BudgetExceededError);
      return (error as BudgetExceededError).budget;
    }
    return 'none';
  };

  it('limits stop a run that exceeds a budget with an error naming it', () => {
    // One message redelivered for ever (ack timeout < service): two events per 80 ms. The
    // up-front estimate (2 events for one message) lets it start; the kernel stops it.
    const endless = pipe({ service: constant(80) }, { limits: { maxEvents: 10 } }, zeros(1));
    endless.channels[0] = { id: 'q', kind: 'queue', ackTimeout: 50 } as never;
    expect(budget(endless)).toBe('maxEvents');
    expect(budget(pipe({}, { limits: { maxEvents: 10 } }))).toBe('maxEvents'); // estimated up front
    expect(budget(pipe({}, { consumers: [], limits: { maxMessagesHeld: 5 } }))).toBe(
      'maxMessagesHeld',
    );
    const late = { until: 'drained', duration: null, limits: { maxSimTime: 100 } };
    const twoLate = { rate: { kind: 'trace', at: [0, 500] }, count: 2 };
    expect(budget(pipe({}, late, twoLate))).toBe('maxSimTime');
    expect(budget(pipe())).toBe('none');
  });
});
