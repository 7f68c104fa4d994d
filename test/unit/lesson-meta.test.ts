// The `lesson` extension: how the validator checks a lesson block (group, texts, "try this"
// actions whose faults name real targets and whose `set` paths resolve and keep the scenario
// valid), applySet (the path-apply function the lab uses), and the lesson blocks of examples/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Simulation,
  applySet,
  LESSON_GROUPS,
  MAX_LESSON_TRIES,
  parseScenarioText,
  scenarioJsonSchema,
  validateScenario,
  type Lesson,
  type Scenario,
  type ValidationError,
} from '../../sim-core/index';
import { schemaErrors } from './json-schema-check';

type Raw = Record<string, unknown>;

const base = (): Raw => ({
  name: 'lesson',
  duration: '10s',
  producers: [{ id: 'web', to: 'orders', rate: { kind: 'poisson', perSecond: 100 } }],
  channels: [
    { id: 'orders', kind: 'queue', deadLetter: 'orders.dlq' },
    { id: 'orders.dlq', kind: 'queue' },
    { id: 'events', kind: 'topic', subscriptions: [{ id: 'billing' }] },
    { id: 'ledger', kind: 'log', partitions: 2 },
  ],
  consumers: [
    { id: 'workers', from: 'orders', instances: 3, service: { kind: 'constant', value: 2 } },
    { id: 'billing-svc', from: 'events/billing', service: { kind: 'constant', value: 1 } },
    { id: 'audit', from: 'ledger', service: { kind: 'constant', value: 1 } },
  ],
  faults: [{ at: '5s', crash: 'workers#2', restart: '1s' }],
});

const lesson = (extra: Raw = {}): Raw => ({
  group: 'Failures',
  summary: 'Workers crash.',
  watch: 'Watch `redelivered`.',
  ...extra,
});

const withLesson = (l: unknown): Raw => ({ ...base(), lesson: l });
const withTry = (...actions: unknown[]): Raw => withLesson(lesson({ try: actions }));

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

describe('lesson: valid blocks', () => {
  it('is optional and null when absent (or given as null)', () => {
    expect(valid(base()).lesson).toBeNull();
    expect(valid(withLesson(null)).lesson).toBeNull();
  });

  it('normalizes a full block: defaults, fault durations in ms, set values kept as written', () => {
    const s = valid(
      withLesson({
        group: 'Delivery guarantees',
        order: 2,
        summary: 'Workers crash.',
        watch: 'Watch `redelivered`.',
        try: [
          { label: 'Crash workers#1 now', fault: { crash: 'workers#1', restart: '5s' } },
          { label: 'Auto ack', set: { 'consumers.workers.ack': 'auto', duration: '20s' } },
        ],
      }),
    );
    expect(s.lesson).toEqual<Lesson>({
      group: 'Delivery guarantees',
      order: 2,
      summary: 'Workers crash.',
      watch: 'Watch `redelivered`.',
      try: [
        { label: 'Crash workers#1 now', fault: { crash: 'workers#1', restart: 5000 } },
        { label: 'Auto ack', set: { 'consumers.workers.ack': 'auto', duration: '20s' } },
      ],
      colourBy: null,
    });
    expect(valid(withLesson(lesson())).lesson).toMatchObject({ order: null, try: [] });
  });

  it('accepts every group and every fault verb without `at`', () => {
    for (const group of LESSON_GROUPS) {
      expect(valid(withLesson(lesson({ group }))).lesson?.group).toBe(group);
    }
    const s = valid(
      withTry(
        { label: 'a', fault: { crash: 'broker' } },
        { label: 'b', fault: { partition: ['workers#1', 'web'], for: '2s' } },
      ),
    );
    expect(s.lesson?.try.map((t) => ('fault' in t ? t.fault : null))).toEqual([
      { crash: 'broker', restart: null },
      { partition: ['workers#1', 'web'], for: 2000 },
    ]);
    valid(
      withTry(
        { label: 'c', fault: { slow: 'workers', factor: 3, for: 1000 } },
        { label: 'd', fault: { resetOffsets: 'audit', to: 'latest' } },
      ),
    );
  });

  it('colours dots by a field some producer sets', () => {
    const producers = [
      {
        id: 'web',
        to: 'orders',
        rate: { kind: 'poisson', perSecond: 100 },
        priority: { kind: 'choice', values: [0, 9] },
        routingKey: 'order.new',
      },
    ];
    for (const colourBy of ['routingKey', 'priority'] as const)
      expect(valid({ ...withLesson(lesson({ colourBy })), producers }).lesson?.colourBy).toBe(
        colourBy,
      );
  });

  it('leaves the run untouched: the engine ignores the lesson', () => {
    const run = (input: Raw) => new Simulation(valid({ ...input, duration: '6s' })).run();
    const plain = run(base());
    const annotated = run(withTry({ label: 'x', set: { 'consumers.workers.prefetch': 5 } }));
    expect(annotated.traceHash).toBe(plain.traceHash);
    expect(annotated.totals).toEqual(plain.totals);
  });
});

describe('lesson: rules and messages', () => {
  const RULES: Array<[string, unknown, string, string | RegExp]> = [
    [
      'an unknown group',
      withLesson(lesson({ group: 'Failure' })),
      'lesson.group',
      'must be one of: Basics, Failures, Ordering, Delivery guarantees, Scaling, Patterns (did you mean "Failures"?)',
    ],
    [
      'an empty summary',
      withLesson(lesson({ summary: ' ' })),
      'lesson.summary',
      'must not be empty',
    ],
    [
      'a missing watch',
      withLesson({ group: 'Basics', summary: 's' }),
      'lesson.watch',
      'is required',
    ],
    ['an order of 0', withLesson(lesson({ order: 0 })), 'lesson.order', 'must be ≥ 1'],
    [
      'a colourBy spelt another way',
      withLesson(lesson({ colourBy: 'routing-key' })),
      'lesson.colourBy',
      /must be one of: routingKey, priority/,
    ],
    [
      'colouring by priority when no producer sets one',
      withLesson(lesson({ colourBy: 'priority' })),
      'lesson.colourBy',
      'no producer sets a priority to colour messages by',
    ],
    ['a lesson that is not an object', withLesson('x'), 'lesson', 'must be an object (got "x")'],
    [
      'an unknown lesson field',
      withLesson(lesson({ title: 't' })),
      'lesson.title',
      /unknown field/,
    ],
    [
      'too many actions',
      withTry(...Array.from({ length: 3 }, () => ({ label: 'x', fault: { crash: 'broker' } }))),
      'lesson.try',
      'must have at most 2 items (got 3)',
    ],
    [
      'an action with neither',
      withTry({ label: 'x' }),
      'lesson.try[0]',
      'must have one of: fault, set',
    ],
    [
      'an action with both',
      withTry({ label: 'x', fault: { crash: 'broker' }, set: { seed: 2 } }),
      'lesson.try[0].set',
      'only one of fault, set per entry (this one also has "fault")',
    ],
    [
      'an empty label',
      withTry({ label: '', set: { seed: 2 } }),
      'lesson.try[0].label',
      'must not be empty',
    ],
    [
      'a fault with `at`',
      withTry({ label: 'x', fault: { at: '1s', crash: 'broker' } }),
      'lesson.try[0].fault.at',
      'unknown field "at"',
    ],
    [
      'a fault naming an unknown consumer',
      withTry({ label: 'x', fault: { crash: 'wrkers#1' } }),
      'lesson.try[0].fault.crash',
      'unknown consumer "wrkers" (did you mean "workers"?)',
    ],
    [
      'a fault naming a missing instance',
      withTry({ label: 'x', fault: { slow: 'workers#4', factor: 2, for: 1 } }),
      'lesson.try[0].fault.slow',
      'no instance "workers#4": "workers" has 3 instances (workers#1 to workers#3)',
    ],
    [
      'a fault resetting a group that reads no log',
      withTry({ label: 'x', fault: { resetOffsets: 'workers' } }),
      'lesson.try[0].fault.resetOffsets',
      'consumer "workers" does not read a log: only log consumer groups have offsets',
    ],
    [
      'a partition of a channel',
      withTry({ label: 'x', fault: { partition: ['orders'], for: 1 } }),
      'lesson.try[0].fault.partition[0]',
      '"orders" is a channel, not a consumer or producer',
    ],
    ['an empty set', withTry({ label: 'x', set: {} }), 'lesson.try[0].set', 'must not be empty'],
    [
      'a set that is a list',
      withTry({ label: 'x', set: ['seed'] }),
      'lesson.try[0].set',
      'must be an object (got a list of 1)',
    ],
    [
      'a set naming an unknown consumer',
      withTry({ label: 'x', set: { 'consumers.wrkers.ack': 'auto' } }),
      'lesson.try[0].set["consumers.wrkers.ack"]',
      'unknown consumer "wrkers" (did you mean "workers"?)',
    ],
    [
      'a set naming an unknown field',
      withTry({ label: 'x', set: { 'consumers.workers.prefech': 1 } }),
      'lesson.try[0].set["consumers.workers.prefech"]',
      'unknown field "prefech" in "consumers.workers" (did you mean "prefetch"?)',
    ],
    [
      'a set naming an unknown top-level field',
      withTry({ label: 'x', set: { sed: 1 } }),
      'lesson.try[0].set.sed',
      'unknown top-level field "sed" (did you mean "seed"?)',
    ],
    [
      'a set changing the lesson',
      withTry({ label: 'x', set: { 'lesson.group': 'Basics' } }),
      'lesson.try[0].set["lesson.group"]',
      '"lesson" cannot be changed by a set',
    ],
    [
      'a set writing an invalid value',
      withTry({ label: 'x', set: { 'consumers.workers.ack': 'autoo' } }),
      'lesson.try[0].set["consumers.workers.ack"]',
      'applying it makes the scenario invalid: consumers[0].ack: must be one of: manual, auto (did you mean "auto"?)',
    ],
    [
      'a set breaking a reference elsewhere',
      withTry({ label: 'x', set: { 'consumers.workers.instances': 1 } }),
      'lesson.try[0].set',
      'applying it makes the scenario invalid: faults[0].crash: no instance "workers#2": "workers" has 1 instance (workers#1)',
    ],
  ];

  it.each(RULES)('reports %s', (_what, input, path, message) => {
    const errors = errorsOf(input);
    const hit = errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(errors, null, 1)).toBeDefined();
    if (typeof message === 'string') expect(hit?.message).toBe(message);
    else expect(hit?.message).toMatch(message);
  });

  it('reports every problem of a block, in input order', () => {
    const errors = errorsOf(
      withLesson({
        group: 'Scaling!',
        summary: '',
        watch: 'w',
        try: [
          { label: 'a', fault: { crash: 'nobody' } },
          { label: 'b', set: { 'producers.wbe.rate.perSecond': 5, 'channels.orders.ttl': '1s' } },
        ],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual([
      'lesson.group',
      'lesson.summary',
      'lesson.try[0].fault.crash',
      'lesson.try[1].set["producers.wbe.rate.perSecond"]',
    ]);
  });

  it('checks that a set keeps the scenario valid only when the scenario is valid otherwise', () => {
    const input = withTry({ label: 'x', set: { 'consumers.workers.ack': 'autoo' } });
    input.seed = -1;
    expect(errorsOf(input)).toEqual([{ path: 'seed', message: 'must be ≥ 0' }]);
  });

  it('limits the actions to MAX_LESSON_TRIES', () => {
    expect(MAX_LESSON_TRIES).toBe(2);
  });
});

describe('lesson: JSON Schema', () => {
  const schema = scenarioJsonSchema();
  const good = withLesson(
    lesson({
      order: 1,
      try: [
        { label: 'Crash', fault: { crash: 'workers#1', restart: '5s' } },
        { label: 'Prefetch 1', set: { 'consumers.workers.prefetch': 1 } },
      ],
    }),
  );

  it('accepts what the validator accepts, and its normalized form', () => {
    const normalized = JSON.parse(JSON.stringify(valid(good))) as unknown;
    expect(schemaErrors(schema, good)).toEqual([]);
    expect(schemaErrors(schema, normalized)).toEqual([]);
  });

  it.each<[string, Raw]>([
    ['an unknown group', withLesson(lesson({ group: 'Misc' }))],
    ['a fault with at', withTry({ label: 'x', fault: { at: 1, crash: 'broker' } })],
    ['both fault and set', withTry({ label: 'x', fault: { crash: 'broker' }, set: { seed: 1 } })],
    ['an empty set', withTry({ label: 'x', set: {} })],
    ['an unknown colourBy', withLesson(lesson({ colourBy: 'key' }))],
    [
      'three actions',
      withTry(...Array.from({ length: 3 }, () => ({ label: 'x', set: { seed: 1 } }))),
    ],
  ])('rejects %s, as the validator does', (_what, input) => {
    expect(validateScenario(input).ok).toBe(false);
    expect(schemaErrors(schema, input)).not.toEqual([]);
  });
});

describe('applySet', () => {
  it('sets a field of a list entry named by id, leaving the input unchanged', () => {
    const raw = base();
    const before = JSON.stringify(raw);
    const result = applySet(raw, { 'consumers.workers.prefetch': 7, seed: 3 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as Raw & { consumers: Raw[] };
    expect(value.consumers[0]).toMatchObject({ id: 'workers', prefetch: 7 });
    expect(value.seed).toBe(3);
    expect(JSON.stringify(raw)).toBe(before);
    expect(value.consumers[1]).toBe((raw.consumers as Raw[])[1]);
  });

  it('applies the paths in order, a later one over an earlier one', () => {
    const result = applySet(base(), {
      'consumers.workers': {
        id: 'workers',
        from: 'orders',
        service: { kind: 'constant', value: 1 },
      },
      'consumers.workers.ack': 'auto',
    });
    expect(result.ok && (result.value as { consumers: Raw[] }).consumers[0]).toEqual({
      id: 'workers',
      from: 'orders',
      service: { kind: 'constant', value: 1 },
      ack: 'auto',
    });
  });

  it('creates absent objects, starting from their defaults', () => {
    const result = applySet(base(), {
      'network.loss': 0.1,
      'consumers.workers.crashes.mtbf': '10s',
      'channels.orders.retryDelay.value': '1s',
      'producers.web.size.value': 10,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const value = result.value as Raw & { consumers: Raw[]; channels: Raw[] };
    expect(value.network).toEqual({ loss: 0.1 });
    expect(value.consumers[0].crashes).toEqual({ mtbf: '10s' });
    expect(value.channels[0].retryDelay).toEqual({ kind: 'constant', value: '1s' });
    expect((value.producers as Raw[])[0].size).toEqual({ kind: 'constant', value: 10 });
  });

  it('prefers the longest id when ids contain dots', () => {
    const result = applySet(base(), {
      'channels.orders.dlq.maxLength': 10,
      'channels.orders.maxLength': 20,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const channels = (result.value as { channels: Raw[] }).channels;
    expect(channels[0]).toMatchObject({ id: 'orders', maxLength: 20 });
    expect(channels[1]).toMatchObject({ id: 'orders.dlq', maxLength: 10 });
  });

  it('reaches nested lists by id and lists without ids by index', () => {
    const raw = base();
    (raw.consumers as Raw[])[0].emit = [{ to: 'events' }];
    const result = applySet(raw, {
      'channels.events.subscriptions.billing.ackTimeout': '3s',
      'consumers.workers.emit.0.probability': 0.5,
      'faults.0.restart': 'never',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const value = result.value as Raw & { channels: Raw[]; consumers: Raw[]; faults: Raw[] };
    expect(value.channels[2].subscriptions).toEqual([{ id: 'billing', ackTimeout: '3s' }]);
    expect(value.consumers[0].emit).toEqual([{ to: 'events', probability: 0.5 }]);
    expect(value.faults[0]).toEqual({ at: '5s', crash: 'workers#2', restart: 'never' });
    expect(validateScenario(value).ok).toBe(true);
  });

  it('follows the variant at hand and the shorthand forms', () => {
    const raw = base();
    (raw.consumers as Raw[])[2].commit = 'afterProcessing';
    (raw.producers as Raw[])[0].confirm = true;
    const result = applySet(raw, {
      'producers.web.rate.perSecond': 50,
      'producers.web.confirm.retries': 1,
      'consumers.audit.commit.mode': 'interval',
      'consumers.audit.commit.every': '2s',
      'producers.web.rate.kind': 'constant',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const value = result.value as { producers: Raw[]; consumers: Raw[] };
    expect(value.producers[0].rate).toEqual({ kind: 'constant', perSecond: 50 });
    expect(value.producers[0].confirm).toEqual({ retries: 1 });
    expect(value.consumers[2].commit).toEqual({ mode: 'interval', every: '2s' });
    expect(validateScenario(value).ok).toBe(true);
  });

  const ERRORS: Array<[string, Record<string, unknown>, string]> = [
    ['an empty path', { '': 1 }, 'must be a field path like "consumers.<id>.prefetch"'],
    [
      'an unknown top-level field',
      { durration: 1 },
      'unknown top-level field "durration" (did you mean "duration"?)',
    ],
    ['the lesson', { lesson: null }, '"lesson" cannot be changed by a set'],
    ['$schema', { $schema: 'x' }, '"$schema" cannot be changed by a set'],
    [
      'an unknown producer',
      { 'producers.webb.count': 1 },
      'unknown producer "webb" (did you mean "web"?)',
    ],
    [
      'an unknown subscription',
      { 'channels.events.subscriptions.biling.ttl': 1 },
      'unknown subscription "biling" (did you mean "billing"?)',
    ],
    [
      'a field of another kind',
      { 'producers.web.rate.steps': [] },
      'unknown field "steps" in "producers.web.rate" (kind "poisson")',
    ],
    [
      'a field of another channel kind',
      { 'channels.ledger.ttl': 1 },
      'unknown field "ttl" in "channels.ledger" (kind "log")',
    ],
    [
      'inside a plain value',
      { 'consumers.workers.instances.max': 1 },
      '"consumers.workers.instances" is a single value: there is nothing inside it to set',
    ],
    [
      'an index past the end',
      { 'faults.1.at': 1 },
      '"faults" has no entry "1" (it has 1 entry: 0)',
    ],
    [
      'an id where an index is needed',
      { 'faults.first.at': 1 },
      '"faults" has no entry "first" (it has 1 entry: 0)',
    ],
    [
      'a variant without its tag',
      { 'producers.web.keys.count': 3 },
      'unknown field "count" in "producers.web.keys" (kind "none")',
    ],
  ];

  it.each(ERRORS)('refuses %s', (_what, set, message) => {
    const result = applySet(base(), set);
    expect(result).toEqual({ ok: false, errors: [{ path: Object.keys(set)[0], message }] });
  });

  it('reports every bad path at once, and nothing for the good ones', () => {
    const result = applySet(base(), { seed: 1, 'consumers.nobody.ack': 'auto', 'x.y': 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(['consumers.nobody.ack', 'x.y']);
  });

  it('says when a list is empty or an object is not there', () => {
    const raw: Raw = { name: 'n', producers: [{ id: 'p', to: 'q', rate: 1 }] };
    const result = applySet(raw, {
      'consumers.w.ack': 'auto',
      'producers.p.rate.perSecond': 1,
      'producers.p.size.value': 1,
      'producers.p.confirm.retries.x': 1,
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'consumers.w.ack', message: 'unknown consumer "w" (there are no consumers)' },
        { path: 'producers.p.rate.perSecond', message: '"producers.p.rate" is 1, not an object' },
        {
          path: 'producers.p.confirm.retries.x',
          message:
            '"producers.p.confirm.retries" is a single value: there is nothing inside it to set',
        },
      ],
    });
    const noService: Raw = { name: 'n', consumers: [{ id: 'c', from: 'q' }] };
    expect(applySet(noService, { 'consumers.c.service.mean': 1 })).toEqual({
      ok: false,
      errors: [
        {
          path: 'consumers.c.service.mean',
          message: '"consumers.c.service" is not set: set it as a whole instead',
        },
      ],
    });
  });

  it('refuses a scenario or a set that is not an object, and never throws', () => {
    expect(applySet([1], { seed: 1 })).toEqual({
      ok: false,
      errors: [{ path: '(root)', message: 'the scenario must be an object (got a list of 1)' }],
    });
    expect(applySet(base(), null as unknown as Raw).ok).toBe(false);
    const getter = Object.defineProperty({}, 'seed', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(applySet(base(), getter).ok).toBe(false);
  });

  it('cannot pollute prototypes through "__proto__"', () => {
    const set = JSON.parse('{"__proto__": {"polluted": 1}, "producers.web.__proto__": 1}') as Raw;
    const result = applySet(base(), set);
    expect(result.ok).toBe(false);
    expect(({} as Raw).polluted).toBeUndefined();
  });
});

describe('examples/ lesson blocks', () => {
  const DIR = join(import.meta.dirname, '..', '..', 'examples');
  const FILES = readdirSync(DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const raws = new Map<string, Raw>();
  for (const file of FILES) {
    const parsed = parseScenarioText(readFileSync(join(DIR, file), 'utf8'), file);
    if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
    raws.set(file, parsed.value as Raw);
  }
  const lessons = new Map(FILES.map((file) => [file, valid(raws.get(file)).lesson]));
  const schema = scenarioJsonSchema();

  it('gives every group a lesson, and orders each group without ties', () => {
    const byGroup = new Map<string, number[]>();
    for (const l of lessons.values()) {
      if (l) byGroup.set(l.group, [...(byGroup.get(l.group) ?? []), l.order ?? Infinity]);
    }
    expect([...byGroup.keys()].sort()).toEqual([...LESSON_GROUPS].sort());
    for (const [group, orders] of byGroup) {
      expect(new Set(orders).size, group).toBe(orders.length);
    }
  });

  describe.each(FILES)('%s', (file) => {
    const raw = raws.get(file)!;
    const l = lessons.get(file);

    it('has a lesson with a group, a one-sentence summary, a watch text and 1-2 actions', () => {
      expect(l).not.toBeNull();
      expect(LESSON_GROUPS).toContain(l!.group);
      expect(l!.summary).toMatch(/^\S.*\.$/s);
      expect(l!.summary.split(/\.\s/).length, 'one sentence').toBe(1);
      expect(l!.watch.trim().length).toBeGreaterThan(0);
      expect(l!.try.length).toBeGreaterThanOrEqual(1);
      expect(l!.try.length).toBeLessThanOrEqual(MAX_LESSON_TRIES);
      expect(new Set(l!.try.map((t) => t.label)).size).toBe(l!.try.length);
    });

    it('conforms to the JSON Schema', () => {
      expect(schemaErrors(schema, raw)).toEqual([]);
    });

    it('has actions that give a valid, different scenario', () => {
      const before = JSON.stringify({ ...valid(raw), lesson: null });
      for (const action of l!.try) {
        let changed: unknown;
        if ('set' in action) {
          const result = applySet(raw, action.set);
          if (!result.ok) throw new Error(`${action.label}: ${JSON.stringify(result.errors)}`);
          changed = result.value;
        } else {
          // What the lab does: record the fault at the current simulated time (here: 1 s).
          const faults = Array.isArray(raw.faults) ? raw.faults : [];
          changed = { ...raw, faults: [...faults, { at: 1000, ...action.fault }] };
        }
        const after = valid(changed);
        expect(JSON.stringify({ ...after, lesson: null }), action.label).not.toBe(before);
      }
    });
  });
});
