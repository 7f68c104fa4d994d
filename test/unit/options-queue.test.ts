// Queue and topic-subscription options, topics, direct channels: tiny scenarios with exact times,
// observed through the event stream, asserting what a user of each option relies on.

import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  Simulation,
  eventName,
  validateScenario,
  queueReport,
} from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

/** An observed event: time in ms, message id, where (instance, queue or producer name). */
interface Seen {
  kind: string;
  t: number;
  id: string;
  key: number;
  at: string;
  aux: number;
  /** The instance holding the message's current delivery, if any. */
  inst: string;
}

const AT_INSTANCE = new Set(['delivered', 'received', 'started', 'processed', 'failed']);
['suppressed', 'reprocessed', 'crashed', 'recovered'].forEach((k) => AT_INSTANCE.add(k));
const AT_SENDER = new Set(['published', 'confirmed', 'publishFailed']);

function run(raw: object, seed?: number): { r: Report; ev: Seen[] } {
  const v = validateScenario({ name: 'options', duration: 1000, ...raw });
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
          const where = e.where;
          let at = '';
          if (where >= 0 && AT_INSTANCE.has(name)) at = n.instances[where];
          else if (where >= 0 && AT_SENDER.has(name)) at = n.senders[where];
          else if (where >= 0 && name !== 'unroutable') at = n.queues[where];
          const message = e.sender >= 0;
          const id = message ? `${n.senders[e.sender]}:${e.seq}` : '';
          const inst = message && e.instance >= 0 ? n.instances[e.instance] : '';
          ev.push({ kind: name, t: e.timeUs / 1000, id, key: e.key, at, aux: e.aux, inst });
        },
      },
    ],
  });
  return { r: sim.run(), ev };
}

const constant = (value: number) => ({ kind: 'constant', value });
const trace = (...at: number[]) => ({ id: 'p', to: 'q', rate: { kind: 'trace', at } });
const zeros = (n: number) => trace(...Array<number>(n).fill(0));
const of = (ev: Seen[], kind: string, id?: string) =>
  ev.filter((e) => e.kind === kind && (id === undefined || e.id === id));

/** A queue `q` with the given options, consumed by `c` (one instance unless overridden). */
function queue(options: object, consumer: object = {}, producer: object = zeros(1), extra = {}) {
  return {
    producers: [producer],
    channels: [{ id: 'q', kind: 'queue', ...options }],
    consumers: [{ id: 'c', from: 'q', service: constant(10), ...consumer }],
    ...extra,
  };
}

describe('queue option ackTimeout', () => {
  it('redelivers a delivery not acked within the timeout, flagged redelivered', () => {
    const { r, ev } = run(queue({ ackTimeout: 50 }, { service: constant(80) }), undefined);
    expect(of(ev, 'timedOut')[0].t).toBe(50);
    const deliveries = of(ev, 'delivered', 'p:1');
    expect(deliveries.slice(0, 2).map((d) => [d.t, d.aux])).toEqual([
      [0, 1],
      [80, 2], // ready again at 50, sent once the single instance frees its credit
    ]);
    expect(r.totals.redelivered).toBe(deliveries.length - 1);
    expect(r.totals.redelivered).toBeGreaterThan(0);
  });

  it('never redelivers a slow delivery when no ackTimeout is set', () => {
    const { r } = run(queue({}, { service: constant(80) }));
    expect(r.totals).toMatchObject({ delivered: 1, redelivered: 0, processed: 1, acked: 1 });
  });
});

describe('queue options maxDeliveries and deadLetter', () => {
  const poisoned = { poison: 1 };

  it('delivers a poison message exactly maxDeliveries times, then dead-letters it', () => {
    const { r, ev } = run(queue({ maxDeliveries: 3 }, poisoned));
    expect(of(ev, 'delivered').map((d) => d.aux)).toEqual([1, 2, 3]);
    expect(r.totals).toMatchObject({ nacked: 3, redelivered: 2, deadLettered: 1, processed: 0 });
  });

  it('without deadLetter discards the message and still counts it', () => {
    const { r } = run(queue({ maxDeliveries: 2 }, poisoned, zeros(4)));
    expect(r.totals.deadLettered).toBe(4);
    expect(Object.keys(r.channels)).toEqual(['q']);
    expect(r.checks.conservation).toBe(true);
  });

  it('moves dead-lettered copies into the deadLetter channel, counting each once in totals', () => {
    const raw = queue({ maxDeliveries: 2, deadLetter: 'dlq' }, poisoned, zeros(4));
    raw.channels.push({ id: 'dlq', kind: 'queue' });
    raw.consumers.push({ id: 'fixer', from: 'dlq', service: constant(1) });
    const { r } = run(raw);
    expect(r.channels.dlq).toMatchObject({ enqueued: 4, processed: 4 });
    expect(r.channels.q).toMatchObject({ enqueued: 4, deadLettered: 4 });
    expect(r.totals).toMatchObject({ enqueued: 4, deadLettered: 4, processed: 0 });
    expect(r.checks.conservation).toBe(true);
  });
});

describe('queue option retryDelay', () => {
  it('makes a nacked message ready again no earlier than the delay', () => {
    const { ev } = run(queue({ retryDelay: constant(100), maxDeliveries: 3 }, { poison: 1 }));
    const nacks = of(ev, 'nacked').map((e) => e.t);
    const sends = of(ev, 'delivered').map((e) => e.t);
    expect(nacks).toEqual([10, 120, 230]);
    expect(sends).toEqual([0, 110, 220]);
  });
});

describe('queue option requeue', () => {
  // p:1..3 are unacked on c#1 when it hangs at 5; p:4 and p:5 arrive meanwhile and wait. After
  // the heartbeat (20) the three come back, to their old place (front) or behind p:4, p:5 (back),
  // and go out again once c#1 wakes (35) and reconnects.
  const crashed = (requeue: string) =>
    run(
      queue({ requeue }, { prefetch: 3, heartbeat: 20 }, trace(0, 0, 0, 1, 2), {
        faults: [{ at: 5, freeze: 'c#1', for: 30 }],
      }),
    );
  const order = (ev: Seen[]) =>
    of(ev, 'delivered')
      .filter((d) => d.t >= 25)
      .map((d) => d.id);

  it('front puts returned messages back at their original position', () => {
    expect(order(crashed('front').ev)).toEqual(['p:1', 'p:2', 'p:3', 'p:4', 'p:5']);
  });

  it('back puts returned messages behind the ones that arrived meanwhile', () => {
    expect(order(crashed('back').ev)).toEqual(['p:4', 'p:5', 'p:1', 'p:2', 'p:3']);
  });
});

describe('queue option ttl', () => {
  // One instance, prefetch 1, 40 ms per message: p:3 would wait 80 ms, more than the 50 ms ttl.
  it('expires ready messages older than the ttl', () => {
    const { r, ev } = run(queue({ ttl: 50 }, { service: constant(40) }, zeros(3)));
    expect(of(ev, 'expired').map((e) => [e.id, e.t])).toEqual([['p:3', 50]]);
    expect(r.totals).toMatchObject({ expired: 1, processed: 2, deadLettered: 0 });
  });

  it('sends expired messages to the deadLetter channel, still counted as expired', () => {
    const raw = queue({ ttl: 50, deadLetter: 'dlq' }, { service: constant(40) }, zeros(3));
    raw.channels.push({ id: 'dlq', kind: 'queue' });
    const { r } = run(raw);
    expect(queueReport(r, 'dlq').enqueued).toBe(1);
    expect(r.totals).toMatchObject({ expired: 1, deadLettered: 0, enqueued: 3 });
  });
});

describe('queue options maxLength and overflow', () => {
  // Five messages at once: p:1 goes straight to the single instance, the rest compete for 2 slots.
  it('drop-head keeps the newest maxLength ready messages and drops the oldest', () => {
    const { r, ev } = run(queue({ maxLength: 2 }, {}, zeros(5)));
    expect(of(ev, 'dropped').map((e) => e.id)).toEqual(['p:2', 'p:3']);
    expect(of(ev, 'processed').map((e) => e.id)).toEqual(['p:1', 'p:4', 'p:5']);
    expect(queueReport(r, 'q').depthMax).toBe(3); // 2 ready + 1 unacked
    expect(r.totals).toMatchObject({ dropped: 2, rejected: 0 });
  });

  it('reject-publish keeps the oldest and rejects new publishes', () => {
    const { r, ev } = run(queue({ maxLength: 2, overflow: 'reject-publish' }, {}, zeros(5)));
    expect(of(ev, 'rejected').map((e) => e.id)).toEqual(['p:4', 'p:5']);
    expect(of(ev, 'processed').map((e) => e.id)).toEqual(['p:1', 'p:2', 'p:3']);
    expect(r.totals).toMatchObject({ rejected: 2, dropped: 0, enqueued: 3 });
  });
});

describe('queue option fifoGroups', () => {
  const keyed = {
    id: 'p',
    to: 'q',
    rate: { kind: 'constant', perSecond: 2000 },
    count: 300,
    keys: { kind: 'uniform', count: 3 },
  };
  /** The most messages of one key ever processing at once. */
  const maxPerKey = (ev: Seen[]) => {
    const now = new Map<number, number>();
    let max = 0;
    for (const e of ev) {
      if (e.kind === 'started') now.set(e.key, (now.get(e.key) ?? 0) + 1);
      else if (e.kind === 'processed' || e.kind === 'failed') now.set(e.key, now.get(e.key)! - 1);
      max = Math.max(max, ...now.values());
    }
    return max;
  };
  const workers = { instances: 4, prefetch: 3, service: { kind: 'exponential', mean: 2 } };

  it('never has two messages of one key in flight, and keeps per-key order', () => {
    const { r, ev } = run(queue({ fifoGroups: true }, workers, keyed));
    expect(maxPerKey(ev)).toBe(1);
    expect(r.totals).toMatchObject({ processed: 300, orderViolations: 0 });
  });

  it('without it, competing instances work on one key at once and break its order', () => {
    const { r, ev } = run(queue({}, workers, keyed));
    expect(maxPerKey(ev)).toBeGreaterThan(1);
    expect(r.totals.orderViolations).toBeGreaterThan(0);
  });
});

describe('queue option dedupWindow', () => {
  // Every confirm is lost: attempts at 0, 110, 230 and 370 ms (timeout 100, backoff 10·2^k).
  it('drops retries inside the window and accepts them again after it', () => {
    const producer = { ...trace(0), confirm: { timeout: 100, retries: 3, backoff: 10 } };
    const { r, ev } = run(
      queue({ dedupWindow: 200 }, {}, producer, { network: { confirmLoss: 0.9999 } }),
    );
    expect(of(ev, 'published').map((e) => e.t)).toEqual([0, 110, 230, 370]);
    expect(of(ev, 'deduplicated').map((e) => e.t)).toEqual([110]);
    expect(r.totals).toMatchObject({
      published: 4,
      enqueued: 1,
      deduplicated: 1,
      duplicatesEnqueued: 2,
      duplicatesProcessed: 2,
      publishFailed: 1,
    });
  });
});

describe('topics', () => {
  it('gives every subscription its own copy of every message', () => {
    const subs = [{ id: 'billing' }, { id: 'shipping', maxDeliveries: 1 }];
    const { r } = run({
      producers: [{ ...zeros(5), to: 't' }],
      channels: [{ id: 't', kind: 'topic', subscriptions: subs }],
      consumers: [
        { id: 'b', from: 't/billing', service: constant(1) },
        { id: 's', from: 't/shipping', service: constant(1), poison: 1 },
      ],
    });
    expect(r.channels['t/billing']).toMatchObject({ enqueued: 5, processed: 5 });
    expect(r.channels['t/shipping']).toMatchObject({ enqueued: 5, deadLettered: 5 });
    expect(r.totals).toMatchObject({ published: 5, enqueued: 10, processed: 5, deadLettered: 5 });
  });

  it('drops publishes to a topic with no subscriptions and counts them unroutable', () => {
    const { r } = run({
      producers: [{ ...zeros(3), to: 't' }],
      channels: [{ id: 't', kind: 'topic' }],
    });
    expect(r.totals).toMatchObject({ published: 3, unroutable: 3, enqueued: 0, lost: 0 });
    expect(r.checks.conservation).toBe(true);
  });
});

describe('direct channels', () => {
  const direct = (timeout: number) =>
    run({
      producers: [trace(0, 0, 5, 20)],
      channels: [{ id: 'q', kind: 'direct', timeout }],
      consumers: [{ id: 'c', from: 'q', service: constant(10) }],
    });

  it('with timeout 0 rejects a call at once when every instance is busy', () => {
    const { r, ev } = direct(0);
    expect(of(ev, 'rejected').map((e) => [e.id, e.t])).toEqual([
      ['p:2', 0],
      ['p:3', 5],
    ]);
    expect(r.totals).toMatchObject({ rejected: 2, enqueued: 2, processed: 2 });
  });

  it('with a positive timeout lets calls wait for a free instance', () => {
    const { r, ev } = direct(20);
    expect(of(ev, 'started').map((e) => [e.id, e.t])).toEqual([
      ['p:1', 0],
      ['p:2', 10],
      ['p:3', 20],
      ['p:4', 30],
    ]);
    expect(r.totals).toMatchObject({ rejected: 0, processed: 4 });
  });
});
