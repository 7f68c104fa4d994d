// The JSON Schema (draft 2020-12) of the scenario format, generated from spec.ts so that editor
// completion and hover text cannot drift from the validator. Cross-entity rules are validator-only.
import { DURATION_PATTERN } from './durations';
import { SCENARIO } from './spec';
import type { DurationNode, Node, ObjectNode } from './spec-nodes';

type Schema = Record<string, unknown>;
type Defs = Record<string, Schema>;

/** Where scenario files can point their `"$schema"`, relative to the repository root. */
export const SCHEMA_FILE = 'scenario.schema.json';

/** The JSON Schema of scenario files (draft 2020-12), with descriptions, defaults and enums. */
export function scenarioJsonSchema(): Schema {
  const defs: Defs = {
    durationString: {
      description:
        'A duration with units: "250ms", "1.5s", "5m", "1h", "1m30s", "500us", "2d"; digits alone are ms.',
      type: 'string',
      pattern: DURATION_PATTERN,
    },
  };
  const root = objectSchema(SCENARIO, defs, null);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Brokerlab scenario',
    ...root,
    $defs: defs,
  };
}

/** The schema as written to scenario.schema.json: 2-space JSON with a trailing newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** Drops undefined entries so the output is stable JSON. */
function compact(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([, v]) => v !== undefined));
}

function toSchema(node: Node, defs: Defs): Schema {
  if (node.defName === undefined) return withAliases(node, build(node, defs));
  if (!Object.hasOwn(defs, node.defName)) {
    defs[node.defName] = {};
    defs[node.defName] = withAliases(node, build(node, defs));
  }
  return { $ref: `#/$defs/${node.defName}` };
}

function withAliases(node: Node, schema: Schema): Schema {
  const shorthands: Schema[] = (node.aliases ?? []).map((alias) => ({ const: alias.raw }));
  if (node.shorthand) shorthands.push({ type: node.shorthand.type });
  if (shorthands.length === 0) return compact({ description: node.desc, ...schema });
  return compact({ description: node.desc, anyOf: [...shorthands, schema] });
}

function build(node: Node, defs: Defs): Schema {
  switch (node.t) {
    case 'string':
      return compact({
        type: 'string',
        minLength: node.nonEmpty ? 1 : undefined,
        pattern: node.pattern ?? (node.nonEmpty ? '\\S' : undefined),
      });
    case 'number':
      return compact({
        type: node.int ? 'integer' : 'number',
        minimum: node.min,
        exclusiveMinimum: node.gt,
        maximum: node.max,
        exclusiveMaximum: node.lt,
      });
    case 'duration':
      return durationSchema(node, defs);
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { enum: [...node.values] };
    case 'nullable': {
      const inner = toSchema(node.inner, defs);
      const choices = Object.keys(inner).join() === 'anyOf' ? (inner.anyOf as Schema[]) : [inner];
      return { anyOf: [...choices, { enum: [...node.nulls] }] };
    }
    case 'object':
      return objectSchema(node, defs, null);
    case 'array':
      return compact({
        type: 'array',
        items: toSchema(node.items, defs),
        minItems: node.minItems,
        maxItems: node.maxItems,
      });
    case 'tuple': {
      const n = node.items.length;
      const prefixItems = node.items.map((item) => toSchema(item, defs));
      return { type: 'array', prefixItems, items: false, minItems: n, maxItems: n };
    }
    case 'tagged':
      return {
        oneOf: [
          ...Object.entries(node.variants).map(([name, variant]) =>
            objectSchema(variant, defs, { tag: node.tag, name }),
          ),
          ...(node.untagged === undefined ? [] : [objectSchema(node.untagged, defs, null)]),
        ],
      };
    case 'keyed':
      return { oneOf: Object.values(node.variants).map((v) => objectSchema(v, defs, null)) };
    case 'map':
      return compact({
        type: 'object',
        minProperties: node.minEntries,
        additionalProperties: { description: node.valueDesc },
      });
  }
}

/** Durations ≥ 0 and > 0 are shared definitions; other bounds are written inline. */
function durationSchema(node: DurationNode, defs: Defs): Schema {
  const number = compact({ type: 'number', minimum: node.min, exclusiveMinimum: node.gt });
  const schema = { anyOf: [number, { $ref: '#/$defs/durationString' }] };
  const name =
    node.min === 0 && node.gt === undefined
      ? 'duration'
      : node.gt === 0 && node.min === undefined
        ? 'positiveDuration'
        : undefined;
  if (name === undefined) return schema;
  defs[name] ??= {
    description: `A duration ${name === 'duration' ? '≥ 0' : '> 0'}: ms, or a string with units.`,
    ...schema,
  };
  return { $ref: `#/$defs/${name}` };
}

function objectSchema(
  node: ObjectNode,
  defs: Defs,
  tag: { tag: string; name: string } | null,
): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  if (tag) {
    properties[tag.tag] = { const: tag.name };
    required.push(tag.tag);
  }
  for (const [name, field] of Object.entries(node.fields)) {
    const schema = toSchema(field.node, defs);
    const { description: _inner, ...rest } = schema;
    properties[name] = compact({ description: field.desc, ...rest, default: field.default });
    if (field.required) required.push(name);
  }
  return compact({
    description: node.desc,
    type: 'object',
    properties,
    required: required.length > 0 ? required : undefined,
    additionalProperties: false,
    ...node.schemaExtra,
  });
}
