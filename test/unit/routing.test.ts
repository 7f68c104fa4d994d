// Exchanges and routing (contract v2 §1): RabbitMQ's topic matching, direct, fanout and headers
// exchanges, alternates, exchange-to-exchange bindings, subscription filters, logs as targets,
// dead letters routed by an exchange, and the validator's refusals.

import { describe, expect, it } from 'vitest';
import { Simulation, queueReport, topicMatches, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

function problems(raw: unknown): string[] {
  const v = validateScenario(raw);
  return v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`);
}

function run(raw: Record<string, unknown>): Report {
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { checkInvariants: true }).run();
}

/** One producer per routing key, `count` messages each, into `to`. */
function producers(keys: string[], to: string, count = 10): Array<Record<string, unknown>> {
  return keys.map((key, i) => ({
    id: `p${i}`,
    to,
    routingKey: key,
    rate: { kind: 'constant', perSecond: 100 },
    count,
  }));
}

const worker = (from: string) => ({
  id: `w-${from.replace(/\W/g, '-')}`,
  from,
  service: { kind: 'constant', value: 1 },
});

/** RabbitMQ tutorial 5 ("Topics"): Q1 binds *.orange.*, Q2 binds *.*.rabbit and lazy.#. */
const TUTORIAL: Array<[string, string[]]> = [
  ['quick.orange.rabbit', ['Q1', 'Q2']],
  ['lazy.orange.elephant', ['Q1', 'Q2']],
  ['quick.orange.fox', ['Q1']],
  ['lazy.brown.fox', ['Q2']],
  ['lazy.pink.rabbit', ['Q2']], // matches both of Q2's bindings: delivered once
  ['quick.brown.fox', []],
  ['orange', []],
  ['quick.orange.new.rabbit', []],
  ['lazy.orange.new.rabbit', ['Q2']],
];

describe('topic patterns', () => {
  it("match as RabbitMQ's tutorial says", () => {
    for (const [key, queues] of TUTORIAL) {
      const q1 = topicMatches('*.orange.*', key);
      const q2 = topicMatches('*.*.rabbit', key) || topicMatches('lazy.#', key);
      expect([q1 ? 'Q1' : null, q2 ? 'Q2' : null].filter(Boolean), key).toEqual(queues);
    }
  });

  it('`#` is zero or more words, `*` exactly one', () => {
    expect(topicMatches('#', '')).toBe(true);
    expect(topicMatches('#', 'a.b.c')).toBe(true);
    expect(topicMatches('a.#', 'a')).toBe(true);
    expect(topicMatches('a.#.b', 'a.b')).toBe(true);
    expect(topicMatches('a.#.b', 'a.x.y.b')).toBe(true);
    expect(topicMatches('a.#.b', 'a.x.y')).toBe(false);
    expect(topicMatches('#.b', 'b')).toBe(true);
    expect(topicMatches('*', '')).toBe(false);
    expect(topicMatches('*', 'a')).toBe(true);
    expect(topicMatches('*.*', 'a')).toBe(false);
    expect(topicMatches('a.*', 'a.b.c')).toBe(false);
    expect(topicMatches('order.eu', 'order.eu')).toBe(true);
    expect(topicMatches('order.eu', 'order.us')).toBe(false);
  });
});

describe('exchanges in a run', () => {
  it('a topic exchange routes the tutorial keys: each matching queue once, the rest unroutable', () => {
    const r = run({
      name: 'tutorial 5',
      until: 'drained',
      producers: producers(
        TUTORIAL.map(([key]) => key),
        'logs',
      ),
      channels: [
        {
          id: 'logs',
          kind: 'exchange',
          type: 'topic',
          bindings: [
            { to: 'Q1', key: '*.orange.*' },
            { to: 'Q2', key: '*.*.rabbit' },
            { to: 'Q2', key: 'lazy.#' },
          ],
        },
        { id: 'Q1', kind: 'queue' },
        { id: 'Q2', kind: 'queue' },
      ],
      consumers: [worker('Q1'), worker('Q2')],
    });
    const into = (q: string) => TUTORIAL.filter(([, qs]) => qs.includes(q)).length * 10;
    expect(queueReport(r, 'Q1').enqueued).toBe(into('Q1'));
    expect(queueReport(r, 'Q2').enqueued).toBe(into('Q2'));
    const unroutable = TUTORIAL.filter(([, qs]) => qs.length === 0).length * 10;
    expect(r.totals.unroutable).toBe(unroutable);
    expect(r.channels.logs).toEqual({ routed: 90 - unroutable, unroutable });
    expect(r.totals.published).toBe(90);
    expect(r.totals.processed).toBe(into('Q1') + into('Q2'));
    expect(r.checks.conservation).toBe(true);
  });

  it('direct matches the key exactly, fanout copies to every binding, headers match all or any', () => {
    const r = run({
      name: 'three types',
      until: 'drained',
      producers: [
        ...producers(['eu', 'us'], 'direct-x'),
        ...producers(['anything'], 'fanout-x').map((p) => ({ ...p, id: 'f' })),
        {
          id: 'h',
          to: 'headers-x',
          rate: { kind: 'constant', perSecond: 100 },
          count: 40,
          headers: {
            kind: 'choice',
            values: [
              { tier: 'gold', region: 'eu' },
              { tier: 'basic', region: 'eu' },
            ],
          },
        },
      ],
      channels: [
        {
          id: 'direct-x',
          kind: 'exchange',
          type: 'direct',
          bindings: [
            { to: 'eu', key: 'eu' },
            { to: 'eu-or-us', key: 'eu' },
            { to: 'eu-or-us', key: 'us' },
          ],
        },
        {
          id: 'fanout-x',
          kind: 'exchange',
          type: 'fanout',
          bindings: [{ to: 'a' }, { to: 'b' }],
        },
        {
          id: 'headers-x',
          kind: 'exchange',
          type: 'headers',
          bindings: [
            { to: 'gold-eu', headers: { tier: 'gold', region: 'eu' } },
            { to: 'gold-or-us', headers: { tier: 'gold', region: 'us' }, match: 'any' },
          ],
        },
        ...['eu', 'eu-or-us', 'a', 'b', 'gold-eu', 'gold-or-us'].map((id) => ({
          id,
          kind: 'queue',
        })),
      ],
      consumers: ['eu', 'eu-or-us', 'a', 'b', 'gold-eu', 'gold-or-us'].map(worker),
    });
    expect(queueReport(r, 'eu').enqueued).toBe(10);
    expect(queueReport(r, 'eu-or-us').enqueued).toBe(20);
    expect(queueReport(r, 'a').enqueued).toBe(10);
    expect(queueReport(r, 'b').enqueued).toBe(10);
    const gold = queueReport(r, 'gold-eu').enqueued;
    expect(gold).toBeGreaterThan(10); // about half of 40
    expect(gold).toBeLessThan(30);
    expect(queueReport(r, 'gold-or-us').enqueued).toBe(gold); // tier: gold matches with any
    expect(r.totals.unroutable).toBe(40 - gold); // basic/eu matches neither binding
    expect(r.checks.conservation).toBe(true);
  });

  it('an alternate takes what matches nothing; exchanges chain, and a diamond delivers once', () => {
    const r = run({
      name: 'alternate and chains',
      until: 'drained',
      producers: producers(['order.eu', 'order.us', 'invoice.eu'], 'front'),
      channels: [
        {
          id: 'front',
          kind: 'exchange',
          type: 'topic',
          bindings: [
            { to: 'orders-x', key: 'order.*' },
            { to: 'eu-x', key: '*.eu' },
          ],
          alternate: 'unrouted',
        },
        { id: 'orders-x', kind: 'exchange', type: 'fanout', bindings: [{ to: 'all' }] },
        { id: 'eu-x', kind: 'exchange', type: 'fanout', bindings: [{ to: 'all' }, { to: 'eu' }] },
        { id: 'all', kind: 'queue' },
        { id: 'eu', kind: 'queue' },
        { id: 'unrouted', kind: 'queue' },
      ],
      consumers: ['all', 'eu', 'unrouted'].map(worker),
    });
    // order.eu reaches `all` through both chains: once. invoice.eu only via eu-x.
    expect(queueReport(r, 'all').enqueued).toBe(30);
    expect(queueReport(r, 'eu').enqueued).toBe(20);
    expect(queueReport(r, 'unrouted').enqueued).toBe(0);
    expect(r.totals.unroutable).toBe(0);
    const alt = run({
      name: 'alternate',
      until: 'drained',
      producers: producers(['x', 'y'], 'front'),
      channels: [
        {
          id: 'front',
          kind: 'exchange',
          type: 'direct',
          bindings: [{ to: 'xs', key: 'x' }],
          alternate: 'rest',
        },
        { id: 'xs', kind: 'queue' },
        { id: 'rest', kind: 'queue' },
      ],
      consumers: ['xs', 'rest'].map(worker),
    });
    expect(queueReport(alt, 'xs').enqueued).toBe(10);
    expect(queueReport(alt, 'rest').enqueued).toBe(10);
    expect(alt.channels.front).toEqual({ routed: 20, unroutable: 0 });
  });

  it('routes to topics (whose subscription filters apply) and logs', () => {
    const r = run({
      name: 'filters and logs',
      until: 'drained',
      producers: producers(['order.eu.new', 'order.us.new'], 'x'),
      channels: [
        {
          id: 'x',
          kind: 'exchange',
          type: 'fanout',
          bindings: [{ to: 'events' }, { to: 'ledger' }],
        },
        {
          id: 'events',
          kind: 'topic',
          subscriptions: [{ id: 'eu', filter: { key: '*.eu.*' } }, { id: 'all' }],
        },
        { id: 'ledger', kind: 'log', partitions: 2 },
      ],
      consumers: [worker('events/eu'), worker('events/all'), worker('ledger')],
    });
    expect(queueReport(r, 'events/eu').enqueued).toBe(10);
    expect(queueReport(r, 'events/all').enqueued).toBe(20);
    expect(queueReport(r, 'ledger/w-ledger').processed).toBe(20);
    expect(r.channels.x).toEqual({ routed: 20, unroutable: 0 });
    expect(r.checks.conservation).toBe(true);
  });

  it('dead letters can go to an exchange, routed by their routing key', () => {
    const r = run({
      name: 'dead-letter exchange',
      until: 'drained',
      producers: producers(['pay.eu', 'pay.us'], 'work'),
      channels: [
        { id: 'work', kind: 'queue', maxDeliveries: 1, deadLetter: 'dlx' },
        { id: 'dlx', kind: 'exchange', type: 'topic', bindings: [{ to: 'eu-dlq', key: '*.eu' }] },
        { id: 'eu-dlq', kind: 'queue' },
      ],
      consumers: [{ ...worker('work'), poison: 1 }, worker('eu-dlq')],
    });
    expect(r.totals.deadLettered).toBe(20);
    expect(queueReport(r, 'eu-dlq').enqueued).toBe(10);
    expect(r.checks.conservation).toBe(true);
  });

  it('a scenario without exchanges keeps its trace: routing labels draw nothing', () => {
    const raw = {
      name: 'plain',
      duration: '2s',
      producers: [{ id: 'web', to: 'q', rate: { kind: 'poisson', perSecond: 200 } }],
      channels: [{ id: 'q', kind: 'queue' }],
      consumers: [worker('q')],
    };
    const withKey = {
      ...raw,
      producers: [{ ...raw.producers[0], routingKey: { kind: 'choice', values: ['a', 'b'] } }],
    };
    expect(run(withKey).traceHash).toBe(run(raw).traceHash);
  });
});

describe('validation of exchanges', () => {
  const base = (channels: unknown[], consumers: unknown[] = []) => ({
    name: 'x',
    duration: '1s',
    producers: [{ id: 'p', to: 'x', rate: { kind: 'poisson', perSecond: 1 } }],
    channels,
    consumers,
  });
  const q = { id: 'q', kind: 'queue' };

  it('names the field of every mistake', () => {
    expect(problems(base([{ id: 'x', kind: 'exchange', type: 'topc' }, q]))).toEqual([
      'channels[0].type: must be one of: direct, topic, fanout, headers (did you mean "topic"?)',
    ]);
    expect(
      problems(
        base([
          { id: 'x', kind: 'exchange', type: 'direct', bindings: [{ to: 'nope', key: 'a' }] },
          q,
        ]),
      ),
    ).toEqual(['channels[0].bindings[0].to: unknown channel "nope"']);
    expect(
      problems(
        base([
          { id: 'x', kind: 'exchange', type: 'topic', bindings: [{ to: 'q', key: 'a..b' }] },
          q,
        ]),
      ),
    ).toEqual([
      'channels[0].bindings[0].key: "a..b" has an empty word: words are separated by single dots',
    ]);
    expect(
      problems(base([{ id: 'x', kind: 'exchange', type: 'direct', bindings: [{ to: 'q' }] }, q])),
    ).toEqual(['channels[0].bindings[0].key: is required by a direct exchange']);
    expect(
      problems(
        base([{ id: 'x', kind: 'exchange', type: 'fanout', bindings: [{ to: 'q', key: 'a' }] }, q]),
      ),
    ).toEqual(['channels[0].bindings[0].key: a fanout exchange ignores keys: remove it']);
    expect(
      problems(base([{ id: 'x', kind: 'exchange', type: 'headers', bindings: [{ to: 'q' }] }, q])),
    ).toEqual(['channels[0].bindings[0].headers: is required by a headers exchange']);
    expect(
      problems(base([{ id: 'x', kind: 'exchange', type: 'fanout' }, q], [worker('x')])),
    ).toEqual(['consumers[0].from: "x" is an exchange: consume from a queue bound to it']);
  });

  it('refuses an exchange cycle, naming it', () => {
    const cyclic = base([
      { id: 'x', kind: 'exchange', type: 'fanout', bindings: [{ to: 'y' }] },
      { id: 'y', kind: 'exchange', type: 'fanout', bindings: [{ to: 'q' }], alternate: 'x' },
      q,
    ]);
    expect(problems(cyclic)).toEqual([
      'channels[0]: exchange cycle: x → y → x (a message would be routed for ever)',
    ]);
  });
});

describe('dead-letter routing key', () => {
  // Orders that fail are rejected into the dead-letter exchange `dlx` with the key `retry`:
  // only the binding for `retry` takes them, whatever key they were published with.
  const scenario = (deadLetterKey: string | null) => ({
    name: 'dlx key',
    until: 'drained',
    producers: [
      { id: 'shop', to: 'work', routingKey: 'order.new', rate: { kind: 'trace', at: [0, 1, 2] } },
    ],
    channels: [
      { id: 'work', kind: 'queue', deadLetter: 'dlx', deadLetterKey },
      {
        id: 'dlx',
        kind: 'exchange',
        type: 'direct',
        bindings: [
          { to: 'retries', key: 'retry' },
          { to: 'parked', key: 'order.new' },
        ],
      },
      { id: 'retries', kind: 'queue' },
      { id: 'parked', kind: 'queue' },
    ],
    consumers: [{ ...worker('work'), reject: { probability: 1, requeue: false } }],
  });
  const enqueued = (deadLetterKey: string | null) => {
    const r = run(scenario(deadLetterKey));
    return [queueReport(r, 'retries').enqueued, queueReport(r, 'parked').enqueued];
  };

  it('routes dead letters by the queue’s deadLetterKey instead of their own key', () => {
    expect(enqueued('retry')).toEqual([3, 0]);
    expect(enqueued(null)).toEqual([0, 3]);
  });

  it('needs a deadLetter to route to', () => {
    const raw = scenario('retry');
    (raw.channels[0] as Record<string, unknown>).deadLetter = null;
    expect(problems(raw)).toEqual([
      'channels[0].deadLetterKey: needs a deadLetter to route the dead letters to',
    ]);
  });
});
