// validateScenario, parseScenarioText, parseDuration and suggest: the contract's examples, every
// default, one test per rule's message, error order and cap, hostile inputs, and speed.
import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseScenarioText,
  validateScenario,
  type Scenario,
  type ValidationError,
  SCENARIO,
  editDistance,
  suggest,
  Problems,
  walk,
} from '../../sim-core/index';
import type { SpecNode as Node } from '../../sim-core/index';
import { completeScenario, contractExample, CONTRACT_EXAMPLE_YAML } from './scenario-fixtures';

type Raw = Record<string, unknown>;

function valid(input: unknown): Scenario {
  const result = validateScenario(input);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.scenario;
}

function errorsOf(input: unknown): ValidationError[] {
  const result = validateScenario(input);
  if (result.ok) throw new Error('expected the scenario to be rejected');
  return result.errors;
}

const minimal = (): Raw => ({
  name: 'min',
  duration: 1000,
  producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 10 } }],
  channels: [{ id: 'q', kind: 'queue' }],
  consumers: [{ id: 'w', from: 'q', service: { kind: 'constant', value: 1 } }],
});

/** minimal() with a change applied by a function. */
function edit(
  change: (s: Raw & { producers: Raw[]; channels: Raw[]; consumers: Raw[] }) => void,
): Raw {
  const s = minimal() as Raw & { producers: Raw[]; channels: Raw[]; consumers: Raw[] };
  change(s);
  return s;
}

describe('valid scenarios', () => {
  it('accepts every example of the contract doc, normalized to ms', () => {
    const s = valid(contractExample());
    expect(s).toMatchObject({
      seed: 42,
      duration: 60_000,
      warmup: 5000,
      sampleEvery: 250,
      until: 'time',
    });
    expect(s.producers[0].confirm).toEqual({ timeout: 1000, retries: 3, backoff: 100 });
    expect(s.channels[0]).toMatchObject({
      ackTimeout: 30_000,
      ttl: null,
      maxLength: null,
      dedupWindow: null,
    });
    expect(s.channels[2]).toEqual({
      id: 'ledger',
      kind: 'log',
      partitions: 4,
      retention: 3_600_000,
      replicationFactor: 1,
      minInsyncReplicas: 1,
      uncleanLeaderElection: false,
    });
    expect(s.consumers.map((c) => c.group)).toEqual([null, 'billing', 'audit', null]);
    expect(s.consumers[2].commit).toEqual({ mode: 'interval', every: 5000 });
    expect(s.network).toEqual({
      latency: { kind: 'constant', value: 1 },
      loss: 0,
      confirmLoss: 0.01,
      ackLoss: 0,
      publishLoss: 0,
    });
    expect(s.faults[0]).toEqual({ at: 20_000, crash: 'workers#2', restart: 5000 });
    expect(s.faults[2]).toEqual({ at: 40_000, partition: ['workers#1'], for: 3000 });
  });

  it('accepts a scenario using every kind and option', () => {
    const s = valid(completeScenario());
    expect(s.producers[1].rate).toEqual({
      kind: 'bursty',
      perSecond: 1,
      burstPerSecond: 50,
      burstEvery: 10_000,
      burstLength: 1000,
    });
    expect(s.producers[2].rate).toEqual({
      kind: 'steps',
      steps: [
        [0, 5],
        [30_000, 50],
      ],
    });
    expect(s.producers[3].rate).toEqual({ kind: 'trace', at: [10, 20, 20, 1000] });
    expect(s.consumers[4].service).toEqual({ kind: 'empirical', values: [1, 2, 3] });
    expect(s.faults[0]).toEqual({ at: 10_000, crash: 'c1#2', restart: null });
    expect(s.network).toMatchObject({ loss: 0.01, confirmLoss: 0.01, ackLoss: 0.02 });
    expect(s.limits).toEqual({
      maxEvents: 1e7,
      maxSimTime: 3_600_000,
      maxMessagesHeld: 1e6,
      maxEventsAtInstant: 10_000_000,
    });
    expect(s).not.toHaveProperty('$schema');
    expect(s).not.toHaveProperty('version');
  });

  it('fills in every default', () => {
    const s = valid(minimal());
    expect(s).toEqual({
      name: 'min',
      description: '',
      seed: 1,
      duration: 1000,
      until: 'time',
      warmup: 0,
      sampleEvery: null,
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'poisson', perSecond: 10 },
          count: null,
          routingKey: null,
          headers: null,
          priority: null,
          delay: null,
          ttl: null,
          start: 0,
          stop: null,
          keys: { kind: 'none' },
          size: { kind: 'constant', value: 1024 },
          confirm: null,
          idempotent: false,
          acks: 'all',
          batch: null,
          maxInFlight: null,
          request: null,
        },
      ],
      channels: [
        {
          id: 'q',
          kind: 'queue',
          ackTimeout: null,
          maxDeliveries: null,
          deadLetter: null,
          deadLetterKey: null,
          retryDelay: { kind: 'constant', value: 0 },
          requeue: null,
          ttl: null,
          maxLength: null,
          overflow: 'drop-head',
          fifoGroups: false,
          maxPriority: null,
          dedupWindow: null,
          type: 'classic',
          replicas: null,
        },
      ],
      consumers: [
        {
          id: 'w',
          from: 'q',
          group: null,
          instances: 1,
          prefetch: 1,
          concurrency: 1,
          service: { kind: 'constant', value: 1 },
          ack: 'manual',
          failRate: 0,
          poison: 0,
          reject: null,
          neverAck: false,
          idempotent: false,
          crashes: null,
          heartbeat: 5000,
          emit: [],
          startAt: 'earliest',
          commit: { mode: 'afterProcessing' },
          sessionTimeout: 45_000,
        },
      ],
      broker: {
        nodes: 1,
        durable: true,
        crashes: null,
        capacity: null,
        memoryLimit: null,
        electionTimeout: 1000,
        replicationLatency: null,
      },
      network: {
        latency: { kind: 'constant', value: 0 },
        loss: 0,
        confirmLoss: 0,
        ackLoss: 0,
        publishLoss: 0,
      },
      faults: [],
      limits: {
        maxEvents: 1_000_000_000,
        maxSimTime: 2_592_000_000,
        maxMessagesHeld: 10_000_000,
        maxEventsAtInstant: 10_000_000,
      },
      lesson: null,
    });
  });

  it('has spec defaults that pass their own validation', () => {
    const seen = new Set<Node>();
    let checked = 0;
    const visit = (node: Node): void => {
      if (seen.has(node)) return;
      seen.add(node);
      const children: Node[] = [];
      if (node.t === 'object') {
        for (const [name, field] of Object.entries(node.fields)) {
          children.push(field.node);
          if (!('default' in field)) continue;
          const problems = new Problems();
          walk(field.node, field.default, null, problems);
          expect(problems.list, name).toEqual([]);
          checked++;
        }
      }
      if (node.t === 'nullable') children.push(node.inner);
      if (node.t === 'array') children.push(node.items);
      if (node.t === 'tuple') children.push(...node.items);
      if (node.t === 'tagged' || node.t === 'keyed') children.push(...Object.values(node.variants));
      children.forEach(visit);
    };
    visit(SCENARIO);
    expect(checked).toBeGreaterThan(40);
  });

  it('derives prefetch from concurrency, and loss overrides from loss', () => {
    const s = valid(
      edit((x) => {
        x.consumers[0].concurrency = 8;
        x.network = { loss: 0.1 };
      }),
    );
    expect(s.consumers[0].prefetch).toBe(8);
    expect(s.network).toMatchObject({ confirmLoss: 0.1, ackLoss: 0.1 });
  });

  it('lets until: drained run without a duration, and accepts confirm shorthands', () => {
    const s = valid(
      edit((x) => {
        delete x.duration;
        x.until = 'drained';
        x.producers[0].count = 5;
        x.producers[0].confirm = true;
      }),
    );
    expect(s.duration).toBeNull();
    expect(s.producers[0].confirm).toEqual({ timeout: 1000, retries: 3, backoff: 100 });
    expect(
      valid(
        edit((x) => {
          x.producers[0].confirm = false;
        }),
      ).producers[0].confirm,
    ).toBeNull();
  });

  it('allows a topic without subscriptions and a scenario without consumers', () => {
    valid(
      edit((x) => {
        x.channels.push({ id: 't', kind: 'topic' });
        delete (x as Raw).consumers;
      }),
    );
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutations reach anywhere
type Loose = any;

/** [what, change, path, message (exact, or a RegExp)] */
const RULES: Array<[string, (s: Loose) => void, string, string | RegExp]> = [
  ['a missing name', (s) => delete s.name, 'name', 'is required'],
  ['an empty name', (s) => (s.name = '  '), 'name', 'must not be empty'],
  ['a negative seed', (s) => (s.seed = -1), 'seed', 'must be ≥ 0'],
  ['a fractional seed', (s) => (s.seed = 1.5), 'seed', 'must be an integer (got 1.5)'],
  ['an unsafe seed', (s) => (s.seed = 2 ** 60), 'seed', /must be ≤ 9007199254740991/],
  [
    'a missing duration',
    (s) => delete s.duration,
    'duration',
    'is required (or set until: drained to run until idle)',
  ],
  [
    'a bad duration string',
    (s) => (s.duration = '30 secs'),
    'duration',
    '"30 secs" is not a duration (use a number of ms or a string like "250ms", "30s", "5m", "1h")',
  ],
  ['a zero duration', (s) => (s.duration = 0), 'duration', 'must be a positive number'],
  [
    'a duration beyond maxSimTime',
    (s) => (s.limits = { maxSimTime: '500ms' }),
    'duration',
    'must be ≤ limits.maxSimTime (500 ms)',
  ],
  [
    'a warmup ≥ duration',
    (s) => (s.warmup = '1s'),
    'warmup',
    'must be less than duration (1000 ms)',
  ],
  [
    'a bad until',
    (s) => (s.until = 'drain'),
    'until',
    'must be one of: time, drained (did you mean "drained"?)',
  ],
  ['a wrong version', (s) => (s.version = 2), 'version', 'must be 1'],
  [
    'an unknown top-level field',
    (s) => (s.consumer = []),
    'consumer',
    'unknown field "consumer" (did you mean "consumers"?)',
  ],
  ['no producers', (s) => (s.producers = []), 'producers', 'must not be empty'],
  [
    'producers not a list',
    (s) => (s.producers = { id: 'p' }),
    'producers',
    'must be a list (got an object)',
  ],
  [
    'a bad id',
    (s) => (s.channels[0].id = 'my queue'),
    'channels[0].id',
    '"my queue" is not a valid id (use only letters, digits, ".", "_" and "-")',
  ],
  [
    'a numeric id',
    (s) => (s.consumers[0].id = 5),
    'consumers[0].id',
    'must be a string (got 5; quote it: "5")',
  ],
  [
    'a duplicate id',
    (s) => (s.consumers[0].id = 'p'),
    'consumers[0].id',
    'duplicate id "p" (also used at producers[0].id)',
  ],
  [
    'an unknown producer target',
    (s) => (s.producers[0].to = 'qq'),
    'producers[0].to',
    'unknown channel "qq" (did you mean "q"?)',
  ],
  [
    'a zero rate',
    (s) => (s.producers[0].rate.perSecond = 0),
    'producers[0].rate.perSecond',
    'must be a positive number',
  ],
  [
    'a NaN rate',
    (s) => (s.producers[0].rate.perSecond = NaN),
    'producers[0].rate.perSecond',
    'must be a finite number (got NaN)',
  ],
  [
    'a string rate',
    (s) => (s.producers[0].rate.perSecond = '5'),
    'producers[0].rate.perSecond',
    'must be a positive number (got "5")',
  ],
  [
    'a missing rate kind',
    (s) => delete s.producers[0].rate.kind,
    'producers[0].rate.kind',
    'is required (one of: constant, poisson, bursty, steps, trace)',
  ],
  [
    'a misspelled rate kind',
    (s) => (s.producers[0].rate.kind = 'Poisson'),
    'producers[0].rate.kind',
    'must be one of: constant, poisson, bursty, steps, trace (did you mean "poisson"?)',
  ],
  [
    'a field of another kind',
    (s) => (s.producers[0].rate = { kind: 'poisson', perSecond: 1, at: [1] }),
    'producers[0].rate.at',
    'unknown field "at" for kind "poisson" (it belongs to kind "trace")',
  ],
  [
    'a burst longer than its period',
    (s) =>
      (s.producers[0].rate = {
        kind: 'bursty',
        perSecond: 0,
        burstPerSecond: 5,
        burstEvery: '1s',
        burstLength: '2s',
      }),
    'producers[0].rate.burstLength',
    'must be shorter than burstEvery',
  ],
  [
    'steps out of order',
    (s) =>
      (s.producers[0].rate = {
        kind: 'steps',
        steps: [
          [0, 1],
          ['1s', 2],
          [1000, 3],
        ],
      }),
    'producers[0].rate.steps[2][0]',
    'must be later than the previous step',
  ],
  [
    'a malformed step',
    (s) => (s.producers[0].rate = { kind: 'steps', steps: [[0, 1, 2]] }),
    'producers[0].rate.steps[0]',
    'must be [at, perSecond] (got a list of 3)',
  ],
  [
    'an empty steps list',
    (s) => (s.producers[0].rate = { kind: 'steps', steps: [] }),
    'producers[0].rate.steps',
    'must not be empty',
  ],
  [
    'a trace going back in time',
    (s) => (s.producers[0].rate = { kind: 'trace', at: [5, 3] }),
    'producers[0].rate.at[1]',
    'must not be earlier than the previous time',
  ],
  [
    'zero keys',
    (s) => (s.producers[0].keys = { kind: 'uniform', count: 0 }),
    'producers[0].keys.count',
    'must be between 1 and 2147483647',
  ],
  [
    'a zipf without s',
    (s) => (s.producers[0].keys = { kind: 'zipf', count: 3 }),
    'producers[0].keys.s',
    'is required',
  ],
  [
    'a stop before start',
    (s) => Object.assign(s.producers[0], { start: '2s', stop: '1s' }),
    'producers[0].stop',
    'must be later than start',
  ],
  ['a zero count', (s) => (s.producers[0].count = 0), 'producers[0].count', 'must be ≥ 1'],
  [
    'a negative confirm retry count',
    (s) => (s.producers[0].confirm = { retries: -1 }),
    'producers[0].confirm.retries',
    'must be ≥ 0',
  ],
  [
    'a size in duration units',
    (s) => (s.producers[0].size = { kind: 'constant', value: '1s' }),
    'producers[0].size.value',
    'must be a number ≥ 0 (got "1s")',
  ],
  [
    'a producer publishing to a subscription',
    (s) => {
      s.channels.push({ id: 't', kind: 'topic', subscriptions: [{ id: 'a' }] });
      s.producers[0].to = 't/a';
    },
    'producers[0].to',
    'must name a channel, not a subscription: use "t"',
  ],
  [
    'a missing channel kind',
    (s) => delete s.channels[0].kind,
    'channels[0].kind',
    'is required (one of: queue, topic, log, direct, exchange)',
  ],
  [
    'a queue option on a log',
    (s) => (s.channels[0] = { id: 'q', kind: 'log', ackTimeout: '1s' }),
    'channels[0].ackTimeout',
    'unknown field "ackTimeout" for kind "log" (it belongs to kind "queue")',
  ],
  [
    'a zero maxDeliveries',
    (s) => (s.channels[0].maxDeliveries = 0),
    'channels[0].maxDeliveries',
    'must be between 1 and 2147483647',
  ],
  [
    'a bad requeue',
    (s) => (s.channels[0].requeue = 'end'),
    'channels[0].requeue',
    'must be one of: front, back',
  ],
  [
    'a dead letter to itself',
    (s) => (s.channels[0].deadLetter = 'q'),
    'channels[0].deadLetter',
    'cannot dead-letter into its own channel',
  ],
  [
    'a dead letter to a direct channel',
    (s) => {
      s.channels.push({ id: 'd', kind: 'direct' });
      s.channels[0].deadLetter = 'd';
    },
    'channels[0].deadLetter',
    'cannot dead-letter into direct channel "d": use a queue, topic or log',
  ],
  [
    'an unknown dead letter',
    (s) => (s.channels[0].deadLetter = 'q.dql'),
    'channels[0].deadLetter',
    'unknown channel "q.dql"',
  ],
  [
    'a duplicate subscription',
    (s) => s.channels.push({ id: 't', kind: 'topic', subscriptions: [{ id: 'a' }, { id: 'a' }] }),
    'channels[1].subscriptions[1].id',
    'duplicate subscription id "a" (also used at channels[1].subscriptions[0].id)',
  ],
  [
    'a subscription dead-lettering into its topic',
    (s) =>
      s.channels.push({ id: 't', kind: 'topic', subscriptions: [{ id: 'a', deadLetter: 't' }] }),
    'channels[1].subscriptions[0].deadLetter',
    'cannot dead-letter into its own channel',
  ],
  [
    'a zero partition count',
    (s) => s.channels.push({ id: 'l', kind: 'log', partitions: 0 }),
    'channels[1].partitions',
    'must be between 1 and 65535',
  ],
  [
    'a misspelled consumer field',
    (s) => (s.consumers[0].prefetchh = 5),
    'consumers[0].prefetchh',
    'unknown field "prefetchh" (did you mean "prefetch"?)',
  ],
  [
    'a zero prefetch',
    (s) => (s.consumers[0].prefetch = 0),
    'consumers[0].prefetch',
    'must be between 1 and 2147483647',
  ],
  [
    'a missing service',
    (s) => delete s.consumers[0].service,
    'consumers[0].service',
    'is required',
  ],
  [
    'a zero mean service',
    (s) => (s.consumers[0].service = { kind: 'exponential', mean: 0 }),
    'consumers[0].service.mean',
    'must be a positive number',
  ],
  [
    'a uniform with max < min',
    (s) => (s.consumers[0].service = { kind: 'uniform', min: 5, max: 2 }),
    'consumers[0].service.max',
    'must be ≥ min',
  ],
  [
    'a lognormal p99 below its median',
    (s) => (s.consumers[0].service = { kind: 'lognormal', median: 5, p99: 5 }),
    'consumers[0].service.p99',
    'must be greater than median',
  ],
  [
    'an empty empirical',
    (s) => (s.consumers[0].service = { kind: 'empirical', values: [] }),
    'consumers[0].service.values',
    'must not be empty',
  ],
  [
    'a failRate above 1',
    (s) => (s.consumers[0].failRate = 1.5),
    'consumers[0].failRate',
    'must be between 0 and 1',
  ],
  [
    'a bad ack',
    (s) => (s.consumers[0].ack = 'automatic'),
    'consumers[0].ack',
    'must be one of: manual, auto',
  ],
  [
    'an unknown source',
    (s) => (s.consumers[0].from = 'qu'),
    'consumers[0].from',
    'unknown channel "qu" (did you mean "q"?)',
  ],
  [
    'a consumer reading a whole topic',
    (s) => {
      s.channels.push({ id: 'events', kind: 'topic', subscriptions: [{ id: 'billing' }] });
      s.consumers[0].from = 'events';
    },
    'consumers[0].from',
    '"events" is a topic: consume from one of its subscriptions, e.g. "events/billing"',
  ],
  [
    'an unknown subscription',
    (s) => {
      s.channels.push({ id: 'events', kind: 'topic', subscriptions: [{ id: 'billing' }] });
      s.consumers[0].from = 'events/biling';
    },
    'consumers[0].from',
    'unknown subscription "biling" of topic "events" (did you mean "events/billing"?)',
  ],
  [
    'a subscription of a queue',
    (s) => (s.consumers[0].from = 'q/x'),
    'consumers[0].from',
    '"q" is a queue, not a topic: use "q"',
  ],
  [
    'a group on a queue consumer',
    (s) => (s.consumers[0].group = 'g'),
    'consumers[0].group',
    'only for log consumers ("q" is a queue)',
  ],
  [
    'a log-only field on a queue consumer',
    (s) => (s.consumers[0].commit = 'afterProcessing'),
    'consumers[0].commit',
    'only for log consumers ("q" is a queue)',
  ],
  [
    'a bad commit',
    (s) => {
      s.channels.push({ id: 'l', kind: 'log' });
      Object.assign(s.consumers[0], { from: 'l', commit: { mode: 'interval' } });
    },
    'consumers[0].commit.every',
    'is required',
  ],
  [
    'an unknown emit target',
    (s) => (s.consumers[0].emit = [{ to: 'qx' }]),
    'consumers[0].emit[0].to',
    'unknown channel "qx" (did you mean "q"?)',
  ],
  [
    'a zero emit probability',
    (s) => (s.consumers[0].emit = [{ to: 'q', probability: 0 }]),
    'consumers[0].emit[0].probability',
    'must be > 0 and ≤ 1',
  ],
  [
    'a consumer named broker',
    (s) => (s.consumers[0].id = 'broker'),
    'consumers[0].id',
    '"broker" is reserved: faults use it for the broker',
  ],
  ['a loss of 1', (s) => (s.network = { loss: 1 }), 'network.loss', 'must be ≥ 0 and < 1'],
  [
    'a crash without mtbf',
    (s) => (s.broker = { crashes: { restart: 5 } }),
    'broker.crashes.mtbf',
    'is required',
  ],
  [
    'a fault without a verb',
    (s) => (s.faults = [{ at: 1 }]),
    'faults[0]',
    'must have one of: crash, partition, slow, freeze, resetOffsets',
  ],
  [
    'a misspelled fault verb',
    (s) => (s.faults = [{ at: 1, crsh: 'w' }]),
    'faults[0].crsh',
    'unknown field "crsh" (did you mean "crash"?)',
  ],
  [
    'a fault with two verbs',
    (s) => (s.faults = [{ at: 1, crash: 'w', slow: 'w', factor: 2, for: 1 }]),
    'faults[0].slow',
    'only one of crash, partition, slow, freeze, resetOffsets per entry (this one also has "crash")',
  ],
  [
    'a fault after the end',
    (s) => (s.faults = [{ at: '1s', crash: 'w' }]),
    'faults[0].at',
    'must be before the end of the run (duration 1000 ms)',
  ],
  [
    'an unknown crash target',
    (s) => (s.faults = [{ at: 1, crash: 'ww' }]),
    'faults[0].crash',
    'unknown consumer "ww" (did you mean "w"?)',
  ],
  [
    'a missing instance',
    (s) => (s.faults = [{ at: 1, crash: 'w#2' }]),
    'faults[0].crash',
    'no instance "w#2": "w" has 1 instance (w#1)',
  ],
  [
    'crashing a producer',
    (s) => (s.faults = [{ at: 1, crash: 'p' }]),
    'faults[0].crash',
    '"p" is a producer, not a consumer (or "broker")',
  ],
  [
    'partitioning nobody',
    (s) => (s.faults = [{ at: 1, partition: [], for: 5 }]),
    'faults[0].partition',
    'must not be empty',
  ],
  [
    'partitioning a stranger',
    (s) => (s.faults = [{ at: 1, partition: ['w', 'pp'], for: 5 }]),
    'faults[0].partition[1]',
    'unknown consumer or producer "pp" (did you mean "p"?)',
  ],
  [
    'slowing by zero',
    (s) => (s.faults = [{ at: 1, slow: 'w', factor: 0, for: 5 }]),
    'faults[0].factor',
    'must be > 0 and ≤ 1000000',
  ],
  [
    'freezing the broker',
    (s) => (s.faults = [{ at: 1, freeze: 'broker', for: 5 }]),
    'faults[0].freeze',
    'the broker can only crash: name a consumer or an instance here',
  ],
  [
    'a freeze without a length',
    (s) => (s.faults = [{ at: 1, freeze: 'w' }]),
    'faults[0].for',
    /required/,
  ],
  [
    'resetting a queue consumer',
    (s) => (s.faults = [{ at: 1, resetOffsets: 'w' }]),
    'faults[0].resetOffsets',
    'consumer "w" does not read a log: only log consumer groups have offsets',
  ],
  ['a zero limit', (s) => (s.limits = { maxEvents: 0 }), 'limits.maxEvents', 'must be ≥ 1'],
];

describe('rules and messages', () => {
  it.each(RULES)('reports %s', (_what, change, path, message) => {
    const s = minimal();
    change(s);
    const errors = errorsOf(s);
    const hit = errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(errors, null, 1)).toBeDefined();
    if (typeof message === 'string') expect(hit?.message).toBe(message);
    else expect(hit?.message).toMatch(message);
  });

  it('reports a non-object scenario at the root', () => {
    expect(errorsOf([1, 2])).toEqual([
      { path: '(root)', message: 'must be an object (got a list of 2)' },
    ]);
    expect(errorsOf(null)[0].path).toBe('(root)');
  });

  it('quotes keys that are not identifiers in paths', () => {
    expect(errorsOf(edit((s) => (s['odd key'] = 1)))).toEqual([
      { path: '["odd key"]', message: 'unknown field "odd key"' },
    ]);
  });

  it('reports every problem, in the order they appear in the input', () => {
    const input = {
      consumers: [{ id: 'w', from: 'q', service: { kind: 'constant', value: -1 }, ack: 'x' }],
      name: '',
      producers: [{ id: 'p', to: 'nope', rate: { kind: 'poisson', perSecond: -1 } }],
      channels: [{ id: 'q', kind: 'queue' }],
      duration: 'x',
    };
    expect(errorsOf(input).map((e) => e.path)).toEqual([
      'consumers[0].service.value',
      'consumers[0].ack',
      'name',
      'producers[0].to',
      'producers[0].rate.perSecond',
      'duration',
    ]);
  });

  it('caps the report at 100 errors and says how many more there are', () => {
    const s = minimal() as Raw & { producers: Raw[] };
    s.producers = Array.from({ length: 150 }, (_, i) => ({
      id: `p${i}`,
      to: 'q',
      rate: { kind: 'poisson', perSecond: -1 },
    }));
    const errors = errorsOf(s);
    expect(errors).toHaveLength(101);
    expect(errors[0].path).toBe('producers[0].rate.perSecond');
    expect(errors[100]).toEqual({
      path: '(root)',
      message: '… and 50 more problems not shown (fix the ones above first)',
    });
  });
});

describe('hostile inputs never throw', () => {
  const cyclic: Raw = { name: 'c' };
  cyclic.producers = [cyclic];
  cyclic.channels = cyclic;
  const throwing = new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('boom');
      },
    },
  );
  const getter = Object.defineProperty({ name: 'x' }, 'duration', {
    enumerable: true,
    get: () => {
      throw new Error('nope');
    },
  });
  const inputs: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['a number', 5],
    ['a string', 'name: x'],
    ['a BigInt', 10n],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a Map', new Map([['name', 'x']])],
    ['a Date', new Date(0)],
    ['a cyclic object', cyclic],
    ['a null-prototype object', Object.assign(Object.create(null) as Raw, minimal())],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"name": "x"}, "name": "n"}')],
    [
      'NaN and Infinity everywhere',
      edit((s) => {
        s.seed = NaN;
        s.duration = Infinity;
        s.consumers[0].prefetch = -Infinity;
      }),
    ],
    [
      'BigInt and symbols as values',
      edit((s) => {
        s.seed = 5n;
        s.name = Symbol('n');
        s.consumers[0].id = 1n;
      }),
    ],
    [
      'a sparse array',
      edit((s) => {
        s.producers = new Array(5);
      }),
    ],
    [
      'a huge sparse array',
      edit((s) => {
        s.producers = new Array(50_000_000);
      }),
    ],
    ['a proxy that throws', throwing],
    ['a getter that throws', getter],
    ['inherited fields', Object.create(minimal()) as unknown],
  ];
  it.each(inputs)('%s', (_what, input) => {
    const result = validateScenario(input);
    if (!result.ok) {
      expect(result.errors.length).toBeGreaterThan(0);
      for (const e of result.errors) expect(e.path && e.message).toBeTruthy();
    }
  });

  it('does not let an own "__proto__" key through as a field', () => {
    const input = JSON.parse(
      JSON.stringify(minimal()).replace('{', '{"__proto__": {"x": 1},'),
    ) as unknown;
    expect(errorsOf(input)).toEqual([{ path: '__proto__', message: 'unknown field "__proto__"' }]);
  });
});

describe('scaling', () => {
  // A growth-order guard, not a time target (those live in bench/): validating 4× the producers
  // takes about 4× as long when validation is linear, 16× when it is quadratic. Median of 5
  // alternating rounds, so a noisy neighbour cannot decide it.
  const scenario = (producers: number) => {
    const s = minimal() as Raw & { producers: Raw[]; channels: Raw[] };
    s.channels = Array.from({ length: 100 }, (_, i) => ({ id: `q${i}`, kind: 'queue', ttl: '1m' }));
    s.producers = Array.from({ length: producers }, (_, i) => ({
      id: `p${i}`,
      to: `q${i % 100}`,
      rate: { kind: 'poisson', perSecond: 10 },
      keys: { kind: 'zipf', count: 10, s: 1 },
    }));
    s.consumers = [{ id: 'w', from: 'q0', service: { kind: 'constant', value: 1 } }];
    return s;
  };
  const time = (s: Raw) => {
    const start = performance.now();
    valid(s);
    return performance.now() - start;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  it('validation time grows linearly with the number of producers', () => {
    const small = scenario(1000);
    const large = scenario(4000);
    valid(small);
    valid(large);
    const ratios: number[] = [];
    for (let round = 0; round < 5; round++) ratios.push(time(large) / time(small));
    expect(median(ratios)).toBeLessThan(9);
  });
});

describe('parseDuration', () => {
  it.each([
    [250, 250],
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['1m30s', 90_000],
    ['.5s', 500],
    ['1000', 1000],
    [' 2s ', 2000],
    ['-5s', -5000],
    [0, 0],
  ])('%j → %j ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each([
    ['30 secs'],
    ['5'.concat('x')],
    ['s'],
    [''],
    ['1e3s'],
    ['1S'],
    [NaN],
    [Infinity],
    [null],
    [{}],
    ['9'.repeat(400) + 'h'],
  ])('rejects %j', (input) => expect(parseDuration(input)).toBeNull());
});

describe('suggest', () => {
  it('finds near misses, case-insensitively first, and nothing when far', () => {
    expect(suggest('prefetchh', ['prefetch', 'concurrency'])).toBe('prefetch');
    expect(suggest('ordrs', ['orders', 'events'])).toBe('orders');
    expect(suggest('Poisson', ['poison', 'poisson'])).toBe('poisson');
    expect(suggest('xyz', ['orders'])).toBeNull();
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('parseScenarioText', () => {
  it('parses the contract example as YAML and as JSON alike', () => {
    const yaml = parseScenarioText(CONTRACT_EXAMPLE_YAML, 'a.yaml');
    const json = parseScenarioText(JSON.stringify(contractExample(), null, 2), 'a.JSON');
    expect(yaml).toEqual({ ok: true, value: contractExample() });
    expect(json).toEqual(yaml);
  });

  it('gives line and column for JSON syntax errors', () => {
    const result = parseScenarioText('{\n  "name": "x",\n  "seed": }\n', 's.json');
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 's.json', message: 'invalid JSON at line 3, column 11: unexpected "}"' }],
    });
    for (const bad of [
      '',
      '{',
      '{"a": 1,}',
      '[1 2]',
      '{"a" 1}',
      '"\u0001"',
      '01',
      '{} x',
      '"\\x"',
      '['.repeat(10_000),
    ]) {
      const r = parseScenarioText(bad, 'x.json');
      expect(r.ok, bad).toBe(false);
    }
  });

  it('rejects duplicate keys in JSON and YAML', () => {
    expect(parseScenarioText('{"a": 1,\n "b": {"c": 1, "c": 2}}', 'x.json')).toEqual({
      ok: false,
      errors: [{ path: 'x.json', message: 'duplicate key "c" at line 2, column 16' }],
    });
    const yaml = parseScenarioText('a: 1\na: 2\n', 'x.yml');
    expect(yaml.ok).toBe(false);
    if (!yaml.ok)
      expect(yaml.errors[0].message).toMatch(
        /^invalid YAML: Map keys must be unique at line 2, column 1/,
      );
  });

  it('refuses YAML alias bombs and multi-document files, never throwing', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefgh'
        .split('')
        .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
    ].join('\n');
    const result = parseScenarioText(bomb, 'bomb.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].message).toMatch(/could not be parsed: .*alias/i);
    expect(parseScenarioText('a: 1\n---\nb: 2\n', 'm.yaml').ok).toBe(false);
    expect(parseScenarioText('a: [1, 2\n', 'm.yaml').ok).toBe(false);
    expect(parseScenarioText('', 'empty.yaml')).toEqual({ ok: true, value: null });
  });

  it('supports YAML anchors and merge keys for repeated settings', () => {
    const text = 'base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n';
    expect(parseScenarioText(text, 'm.yaml')).toEqual({
      ok: true,
      value: { base: { x: 1 }, other: { x: 1, y: 2 } },
    });
  });
});
