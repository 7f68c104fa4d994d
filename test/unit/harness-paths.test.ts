// PATHs for sweeps: resolving fields by ids against the schema and the raw scenario, typing
// command-line values, setting a value without touching the original, and the errors (with the
// valid paths near a bad one) that a typo gets.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { validateScenario } from '../../sim-core/index';
import { readScenarioValue } from '../../bench/cli/load';
import { UsageError } from '../../bench/cli/errors';
import { listPaths, resolvePath } from '../../bench/harness/paths';
import type { ResolvedPath } from '../../bench/harness/paths';
import { ScenarioSchema } from '../../bench/harness/scenario-schema';
import { parseAxes, typeValue } from '../../bench/harness/vary';
import type { ParamValue } from '../../bench/harness/vary';
import { applyAxes } from '../../bench/harness/sweep-plan';

const ROOT = resolve(import.meta.dirname, '..', '..');
const example = (name: string) => readScenarioValue(join(ROOT, 'examples', name));
const EXAMPLES = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
const schema = new ScenarioSchema();

const COMPETING = example('competing-consumers.yaml');
const PUBSUB = example('queue-vs-pubsub.yaml');
const CHAIN = example('event-driven-chain.yaml');
const CRASH = example('crash-duplicates.yaml');

/** A small scenario with an id that contains dots, as dead-letter queues often do. */
const DOTTED = {
  name: 'dotted ids',
  duration: 1000,
  producers: [{ id: 'web', to: 'orders', rate: { kind: 'poisson', perSecond: 10 } }],
  channels: [
    { id: 'orders', kind: 'queue', maxDeliveries: 3, deadLetter: 'orders.dlq' },
    { id: 'orders.dlq', kind: 'queue' },
  ],
  consumers: [{ id: 'workers', from: 'orders', service: { kind: 'constant', value: 1 } }],
};

function resolved(raw: unknown, text: string): ResolvedPath {
  const r = resolvePath(schema, raw, text);
  if (!r.ok) throw new Error(`${text}: ${r.message}`);
  return r.path;
}

/** One value at one PATH, written the way a sweep writes a grid point. */
function set(raw: unknown, path: string, value: ParamValue): unknown {
  const r = applyAxes(raw, [{ path: resolved(raw, path), values: [value] }], [value]);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r.value;
}

function valid(raw: unknown) {
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(v.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return v.scenario;
}

describe('resolvePath', () => {
  it.each([
    ['consumers.workers.prefetch', ['consumers', 0, 'prefetch']],
    ['channels.orders.ackTimeout', ['channels', 0, 'ackTimeout']],
    ['producers.web.rate.perSecond', ['producers', 0, 'rate', 'perSecond']],
    ['duration', ['duration']],
    ['broker.durable', ['broker', 'durable']],
    ['network.latency.value', ['network', 'latency', 'value']],
  ])('finds %s in competing-consumers', (text, steps) => {
    expect(resolved(COMPETING, text).steps).toEqual(steps);
  });

  it('reaches topic subscriptions, emit entries and faults', () => {
    expect(
      resolved(PUBSUB, 'channels.order-events.subscriptions.shipping.maxDeliveries').steps,
    ).toEqual(['channels', 1, 'subscriptions', 1, 'maxDeliveries']);
    expect(resolved(CHAIN, 'consumers.order-service.emit.0.probability').steps).toHaveLength(5);
    expect(resolved(CRASH, 'faults.0.at').steps).toEqual(['faults', 0, 'at']);
  });

  it('matches ids that contain dots, longest first', () => {
    expect(resolved(DOTTED, 'channels.orders.dlq.ackTimeout').steps[1]).toBe(1);
    expect(resolved(DOTTED, 'channels.orders.maxDeliveries').steps[1]).toBe(0);
  });

  it('suggests the field or id a typo meant, and lists valid paths near it', () => {
    const field = resolvePath(schema, COMPETING, 'consumers.workers.prefetc');
    expect(field.ok).toBe(false);
    if (field.ok) return;
    expect(field.message).toBe(
      'consumers.workers has no field "prefetc" (did you mean "prefetch"?)',
    );
    expect(field.near).toContain('consumers.workers.prefetch');
    expect(field.near.every((p) => p.startsWith('consumers.workers.'))).toBe(true);

    const id = resolvePath(schema, COMPETING, 'consumers.wrokers.prefetch');
    expect(id.ok || id.message).toMatch(/no entry with id "wrokers" \(did you mean "workers"\?\)/);
    expect(id.ok || id.near).toContain('consumers.workers.prefetch');
  });

  it('refuses a PATH that stops at an object or goes past a value', () => {
    const entry = resolvePath(schema, COMPETING, 'channels.orders');
    expect(entry.ok || entry.message).toMatch(/holds fields, not a value/);
    expect(entry.ok || entry.near).toContain('channels.orders.ackTimeout');
    const past = resolvePath(schema, COMPETING, 'duration.ms');
    expect(past.ok || past.message).toMatch(/duration is a value/);
    const empty = resolvePath(schema, COMPETING, 'consumers..prefetch');
    expect(empty.ok).toBe(false);
  });

  it('resolves every path it lists, in every example', () => {
    for (const file of EXAMPLES) {
      const raw = example(file);
      const paths = listPaths(schema, raw);
      expect(paths.length, file).toBeGreaterThan(10);
      for (const { path } of paths)
        expect(resolvePath(schema, raw, path).ok, `${file}: ${path}`).toBe(true);
    }
  });
});

describe('applying a grid point (applySet at resolved PATHs)', () => {
  it('sets a field by id, leaving the original untouched', () => {
    const before = structuredClone(COMPETING);
    const out = set(COMPETING, 'consumers.workers.prefetch', 50);
    expect(valid(out).consumers[0].prefetch).toBe(50);
    expect(COMPETING).toEqual(before);
  });

  it('starts an absent object from its default, so the result is complete', () => {
    const out = set(COMPETING, 'network.latency.value', 2);
    expect((out as { network: unknown }).network).toEqual({
      latency: { kind: 'constant', value: 2 },
    });
    expect(valid(out).network.latency).toEqual({ kind: 'constant', value: 2 });
    const retry = set(COMPETING, 'channels.orders.retryDelay.value', 5);
    expect(valid(retry).channels[0]).toMatchObject({ retryDelay: { kind: 'constant', value: 5 } });
  });

  it('writes a string value for the validator to read (durations, "none")', () => {
    const out = set(COMPETING, 'channels.orders.ackTimeout', '2s');
    expect(valid(out).channels[0]).toMatchObject({ ackTimeout: 2000 });
  });

  it('changes nothing when a listed path is set to the value it already has, in every example', () => {
    for (const file of EXAMPLES) {
      const raw = example(file);
      for (const e of listPaths(schema, raw)) {
        if (e.value === undefined) continue;
        expect(set(raw, e.path, e.value as ParamValue), `${file}: ${e.path}`).toEqual(raw);
      }
    }
  });

  const settable = listPaths(schema, COMPETING).map((e) => e.path);
  test.prop([
    fc.constantFrom(...settable),
    fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
  ])('sets exactly the addressed field and copies nothing else', (path, value) => {
    const before = structuredClone(COMPETING);
    const r = resolved(COMPETING, path);
    const out = set(COMPETING, path, value);
    expect(COMPETING).toEqual(before);
    let node: unknown = out;
    for (const step of r.steps) node = (node as Record<string | number, unknown>)[step];
    expect(node).toBe(value);
    // Entries off the path are shared, not copied.
    const o = out as Record<string, unknown>;
    const c = COMPETING as Record<string, unknown>;
    if (r.steps[0] !== 'producers') expect(o.producers).toBe(c.producers);
  });
});

describe('typeValue and parseAxes', () => {
  const prefetch = schema.accepted(resolved(COMPETING, 'consumers.workers.prefetch').schema);
  const ackTimeout = schema.accepted(resolved(COMPETING, 'channels.orders.ackTimeout').schema);
  const durable = schema.accepted(resolved(COMPETING, 'broker.durable').schema);

  it('types values the way the field takes them', () => {
    expect(typeValue('10', prefetch)).toBe(10);
    expect(typeValue('x', prefetch)).toBe('x');
    expect(typeValue('1e3', prefetch)).toBe(1000);
    expect(typeValue('0x10', prefetch)).toBe('0x10');
    expect(typeValue('30s', ackTimeout)).toBe('30s');
    expect(typeValue('250', ackTimeout)).toBe(250);
    expect(typeValue('none', ackTimeout)).toBe('none');
    expect(typeValue('null', ackTimeout)).toBe(null);
    expect(typeValue('false', durable)).toBe(false);
  });

  it('parses PATH=v1,v2 into an axis per --vary', () => {
    const axes = parseAxes(schema, COMPETING, [
      'consumers.workers.prefetch=1,10,100',
      'channels.orders.ackTimeout=5s, 30s',
    ]);
    expect(axes.map((a) => [a.path.text, a.values])).toEqual([
      ['consumers.workers.prefetch', [1, 10, 100]],
      ['channels.orders.ackTimeout', ['5s', '30s']],
    ]);
  });

  it('reports every bad --vary at once, as path: message lines', () => {
    let error: unknown;
    try {
      parseAxes(schema, COMPETING, [
        'consumers.workers.prefetch',
        'seed=1,2',
        'duration=1s,,2s',
        'duration=1s,1s',
        'consumers.workers.prefetch=1',
        'consumers.workers.prefetch=2',
        'producers.web.rate.perSecnd=1',
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const text = (error as UsageError).lines.join('\n');
    expect(text).toMatch(/--vary consumers.workers.prefetch: expected PATH=v1,v2/);
    expect(text).toMatch(/--vary seed: seeds are chosen with --seed N/);
    expect(text).toMatch(/--vary duration: a value is empty/);
    expect(text).toMatch(/--vary consumers.workers.prefetch: varied twice/);
    expect(text).toMatch(/perSecnd.*did you mean "perSecond"/);
    expect(text).toMatch(
      /valid paths near it:\n\s+producers.web.rate.kind\n\s+producers.web.rate.perSecond/,
    );
  });
});
