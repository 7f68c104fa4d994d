// The JSON Schema: the committed scenario.schema.json is exactly what spec.ts generates (drift
// check), it is well-formed, and it accepts what the validator accepts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioJsonSchemaText, validateScenario } from '../../sim-core/index';
import { schemaErrors, subschemas } from './json-schema-check';
import { completeScenario, contractExample } from './scenario-fixtures';

const schema = scenarioJsonSchema();
const committedPath = fileURLToPath(new URL('../../scenario.schema.json', import.meta.url));

describe('scenario.schema.json', () => {
  it('is up to date with spec.ts (run `npm run schema` after changing the spec)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('is draft 2020-12, closed, and describes every property', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    let maps = 0;
    for (const node of subschemas(schema)) {
      if (node.type === 'object' && !('properties' in node)) {
        // A map with free-form keys (a lesson action's `set`, headers, bindings' and filters'
        // headers): its values are described instead.
        expect(node.additionalProperties).toHaveProperty('description');
        maps++;
      } else if (node.type === 'object') {
        expect(node.additionalProperties).toBe(false);
        for (const [name, property] of Object.entries(
          node.properties as Record<string, Record<string, unknown>>,
        )) {
          const tagOnly = 'const' in property;
          expect(tagOnly || typeof property.description === 'string', name).toBe(true);
        }
      }
    }
    expect(maps).toBe(5);
  });

  it('resolves every $ref', () => {
    const defs = schema.$defs as Record<string, unknown>;
    for (const node of subschemas(schema)) {
      if (typeof node.$ref === 'string')
        expect(defs).toHaveProperty(node.$ref.replace('#/$defs/', ''));
    }
  });

  it('has defaults that conform to their own schemas and that the validator accepts', () => {
    let checked = 0;
    for (const node of subschemas(schema)) {
      if (!('default' in node)) continue;
      const { default: value, ...rest } = node;
      expect(schemaErrors(rest, value, schema), JSON.stringify(node)).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('offers enums and kinds to editors', () => {
    const text = JSON.stringify(schema);
    for (const word of [
      '"drop-head"',
      '"reject-publish"',
      '"roundRobin"',
      '"lognormal"',
      '"bursty"',
      '"afterProcessing"',
      '"resetOffsets"',
    ]) {
      expect(text).toContain(word);
    }
  });
});

describe('schema and validator agree', () => {
  const samples: Array<[string, unknown]> = [
    ['the contract example', contractExample()],
    ['the complete scenario', completeScenario()],
    [
      'a drained run',
      {
        name: 'd',
        until: 'drained',
        producers: [{ id: 'p', to: 'q', rate: { kind: 'trace', at: [1, '2s'] } }],
        channels: [{ id: 'q', kind: 'queue', ttl: 'none' }],
      },
    ],
  ];

  it.each(samples)('the schema accepts %s, which the validator accepts', (_what, sample) => {
    expect(validateScenario(sample).ok).toBe(true);
    expect(schemaErrors(schema, sample)).toEqual([]);
  });

  it.each(samples)('the schema accepts the normalized form of %s', (_what, sample) => {
    const result = validateScenario(sample);
    if (!result.ok) throw new Error('invalid sample');
    expect(schemaErrors(schema, JSON.parse(JSON.stringify(result.scenario)))).toEqual([]);
  });

  const rejected: Array<[string, (s: Record<string, unknown>) => void]> = [
    ['an unknown field', (s) => (s.extra = 1)],
    ['an unknown kind', (s) => ((s.channels as Array<Record<string, unknown>>)[0].kind = 'stream')],
    ['a missing name', (s) => delete s.name],
    ['a bad duration string', (s) => (s.duration = '30 secs')],
    [
      'a fault with two verbs',
      (s) => (s.faults = [{ at: 1, crash: 'broker', slow: 'w', factor: 2, for: 1 }]),
    ],
    ['a missing duration', (s) => delete s.duration],
    ['a bad id', (s) => ((s.producers as Array<Record<string, unknown>>)[0].id = 'a b')],
  ];

  it.each(rejected)('both reject %s', (_what, change) => {
    const sample = completeScenario();
    change(sample);
    expect(validateScenario(sample).ok).toBe(false);
    expect(schemaErrors(schema, sample)).not.toEqual([]);
  });
});
