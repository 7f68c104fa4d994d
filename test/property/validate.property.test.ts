// Properties of validateScenario: it never throws; every error names a real place in the input;
// random valid scenarios pass (and pass the JSON Schema); targeted mutations are caught where made.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  parseScenarioText,
  scenarioJsonSchema,
  validateScenario,
  type ValidationResult,
} from '../../sim-core/index';
import { schemaErrors } from '../unit/json-schema-check';
import {
  completeScenario,
  contractExample,
  parsePath,
  pathIsReal,
  resolve,
  validScenarioArb,
  type Seg,
} from '../unit/scenario-fixtures';

const numRuns = Number(process.env.BROKERLAB_DEEP ? 2000 : 200);
const schema = scenarioJsonSchema();

/** Runs the validator and checks the shape of its answer; returns it for further checks. */
function checked(input: unknown): ValidationResult {
  const result = validateScenario(input);
  if (!result.ok) {
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.length).toBeLessThanOrEqual(101);
    for (const { path, message } of result.errors) {
      expect(path.length).toBeGreaterThan(0);
      expect(message.length).toBeGreaterThan(0);
      expect(pathIsReal(input, path, message), `${path}: ${message}`).toBe(true);
    }
  }
  return result;
}

describe('validateScenario on arbitrary input', () => {
  test.prop([fc.jsonValue()], { numRuns })('never throws on JSON values', (value) => {
    checked(value);
  });

  test.prop(
    [
      fc.anything({
        withBigInt: true,
        withNullPrototype: true,
        withObjectString: true,
        withMap: true,
        withDate: true,
        withTypedArray: true,
        withSparseArray: true,
        withBoxedValues: true,
      }),
    ],
    { numRuns },
  )('never throws on any JavaScript value', (value) => {
    checked(value);
  });

  test.prop(
    [
      fc.dictionary(
        fc.constantFrom(
          'name',
          'duration',
          'producers',
          'channels',
          'consumers',
          'faults',
          'network',
          'broker',
          'limits',
          'seed',
        ),
        fc.anything(),
      ),
    ],
    { numRuns },
  )('never throws on scenario-shaped junk', (value) => {
    checked(value);
  });
});

describe('valid scenarios', () => {
  test.prop([validScenarioArb], { numRuns })(
    'validate, and the JSON Schema accepts them',
    (scenario) => {
      const result = checked(scenario);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(schemaErrors(schema, scenario)).toEqual([]);
    },
  );
});

type Path = Seg[];

/** Every location in a JSON value (the root excluded). */
function locations(value: unknown, at: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const keys: Seg[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [
    [...at, k],
    ...locations((value as Record<string, unknown>)[k], [...at, k]),
  ]);
}

function parentOf(root: unknown, path: Path): Record<string, unknown> {
  return resolve(root, path.slice(0, -1)).value as Record<string, unknown>;
}

const BASES = [completeScenario(), contractExample()];
const REFERENCE_FIELDS = new Set(['to', 'from', 'deadLetter', 'crash', 'slow', 'resetOffsets']);

type Mutation = { kind: string; path: Path; mustReject: boolean; errorAt?: Path };

/** Applies one mutation to s in place; says whether the validator must reject the result. */
function mutate(
  s: Record<string, unknown>,
  kind: string,
  pick: number,
  junk: unknown,
): Mutation | null {
  const all = locations(s);
  const path = all[pick % all.length];
  const parent = parentOf(s, path);
  const key = path[path.length - 1];
  const value = resolve(s, path).value;
  const isId = key === 'id' && typeof value === 'string' && path.length === 3;
  switch (kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return { kind, path, mustReject: false };
    case 'retype':
      parent[key] = junk;
      return { kind, path, mustReject: false };
    case 'number': {
      if (typeof value !== 'number') return null;
      const bad = [NaN, -1, Infinity, -Infinity][pick % 4];
      parent[key] = bad;
      return { kind, path, mustReject: true, errorAt: path };
    }
    case 'huge':
      if (typeof value !== 'number') return null;
      parent[key] = 1e308;
      return { kind, path, mustReject: false };
    case 'rename':
      if (Array.isArray(parent) || key === 'kind') return null;
      parent[`${key}x`] = parent[key];
      delete parent[key];
      return { kind, path, mustReject: true };
    case 'unknown':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
      (value as Record<string, unknown>).zzUnknown = 1;
      return { kind, path, mustReject: true, errorAt: [...path, 'zzUnknown'] };
    case 'duplicate': {
      if (!isId) return null;
      const other = ['producers', 'channels', 'consumers'].find((g) => g !== path[0]) as string;
      const list = s[other] as Array<Record<string, unknown>>;
      if (!Array.isArray(list) || list.length === 0) return null;
      list.push({ ...list[0], id: value });
      // Reported at the later use, in the order producers, channels, consumers.
      const order = ['producers', 'channels', 'consumers'];
      const copy = [other, list.length - 1, 'id'];
      const later = order.indexOf(other) > order.indexOf(String(path[0]));
      return { kind, path, mustReject: true, errorAt: later ? copy : path };
    }
    case 'reference':
      if (!REFERENCE_FIELDS.has(String(key)) || typeof value !== 'string') return null;
      parent[key] = 'zz-nowhere';
      return { kind, path, mustReject: true, errorAt: path };
    default:
      return null;
  }
}

describe('mutations of valid scenarios', () => {
  const kinds = [
    'delete',
    'retype',
    'number',
    'huge',
    'rename',
    'unknown',
    'duplicate',
    'reference',
  ];
  test.prop(
    [
      fc.constantFrom(...BASES.keys()),
      fc.constantFrom(...kinds),
      fc.nat(),
      fc.jsonValue({ maxDepth: 2 }),
      fc.boolean(),
    ],
    { numRuns },
  )('are handled, and caught where they were made', (base, kind, pick, junk, twice) => {
    const s = structuredClone(BASES[base]);
    const first = mutate(s, kind, pick, junk);
    if (twice) mutate(s, kinds[pick % kinds.length], pick >> 3, junk);
    const result = checked(s);
    if (!first?.mustReject || twice) return;
    expect(result.ok, `${first.kind} at ${JSON.stringify(first.path)}`).toBe(false);
    if (result.ok || !first.errorAt) return;
    const paths = result.errors.map((e) => JSON.stringify(parsePath(e.path)));
    expect(paths, JSON.stringify(result.errors)).toContain(JSON.stringify(first.errorAt));
  });
});

describe('parseScenarioText', () => {
  const yamlish = fc
    .array(
      fc.constantFrom(
        'a',
        ':',
        ' ',
        '\n',
        '-',
        '[',
        ']',
        '{',
        '}',
        ',',
        '"',
        "'",
        '&x',
        '*x',
        '#',
        '!!',
        '<<',
        '1',
        '\t',
        '|',
        '>',
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(''));
  test.prop(
    [fc.oneof(fc.string(), yamlish), fc.constantFrom('s.json', 's.yaml', 's.yml', 's.txt')],
    { numRuns },
  )('never throws, and every error names the file', (text, file) => {
    const result = parseScenarioText(text, file);
    if (!result.ok)
      for (const e of result.errors)
        expect(e).toMatchObject({ path: file, message: expect.any(String) });
  });

  test.prop([validScenarioArb, fc.boolean()], { numRuns })(
    'reads back what JSON.stringify wrote',
    (scenario, pretty) => {
      const text = JSON.stringify(scenario, null, pretty ? 2 : 0);
      expect(parseScenarioText(text, 's.json')).toEqual({ ok: true, value: scenario });
      expect(parseScenarioText(text, 's.yaml')).toEqual({ ok: true, value: scenario });
    },
  );
});
