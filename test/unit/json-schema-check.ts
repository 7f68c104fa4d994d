// A tiny JSON Schema (2020-12) checker covering exactly the keywords scenarioJsonSchema emits;
// an unknown keyword throws, so the tests notice when the generator starts using a new one.

type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(['description', 'default', 'title', '$schema', '$defs', '$id']);

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

/** Problems found checking value against schema (empty when it conforms). */
export function schemaErrors(
  schema: Schema,
  value: unknown,
  root: Schema = schema,
  at = '$',
): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: not allowed`];
  const errors: string[] = [];
  for (const [keyword, arg] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    errors.push(...checkKeyword(keyword, arg, schema, value, root, at));
  }
  return errors;
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
  if (node === undefined) throw new Error(`dangling $ref ${ref}`);
  return node as Schema;
}

function checkKeyword(
  keyword: string,
  arg: unknown,
  schema: Record<string, unknown>,
  v: unknown,
  root: Schema,
  at: string,
): string[] {
  const fail = (why: string): string[] => [`${at}: ${why}`];
  const num = arg as number;
  switch (keyword) {
    case '$ref':
      return schemaErrors(resolveRef(root, arg as string), v, root, at);
    case 'type':
      return typeMatches(arg as string, v) ? [] : fail(`not ${String(arg)}`);
    case 'enum':
      return (arg as unknown[]).some((e) => deepEqual(e, v)) ? [] : fail('not in enum');
    case 'const':
      return deepEqual(arg, v) ? [] : fail(`not ${JSON.stringify(arg)}`);
    case 'anyOf':
      return (arg as Schema[]).some((s) => schemaErrors(s, v, root, at).length === 0)
        ? []
        : fail('matches none of anyOf');
    case 'oneOf': {
      const n = (arg as Schema[]).filter((s) => schemaErrors(s, v, root, at).length === 0).length;
      return n === 1 ? [] : fail(`matches ${n} of oneOf`);
    }
    case 'minimum':
      return typeof v !== 'number' || v >= num ? [] : fail(`< ${num}`);
    case 'maximum':
      return typeof v !== 'number' || v <= num ? [] : fail(`> ${num}`);
    case 'exclusiveMinimum':
      return typeof v !== 'number' || v > num ? [] : fail(`≤ ${num}`);
    case 'exclusiveMaximum':
      return typeof v !== 'number' || v < num ? [] : fail(`≥ ${num}`);
    case 'minLength':
      return typeof v !== 'string' || [...v].length >= num ? [] : fail('too short');
    case 'pattern':
      return typeof v !== 'string' || new RegExp(arg as string, 'u').test(v) ? [] : fail('pattern');
    case 'minItems':
      return !Array.isArray(v) || v.length >= num ? [] : fail('too few items');
    case 'maxItems':
      return !Array.isArray(v) || v.length <= num ? [] : fail('too many items');
    case 'minProperties': {
      const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
      return !isObject || Object.keys(v).length >= num ? [] : fail('too few properties');
    }
    default:
      return checkStructure(keyword, arg, schema, v, root, at);
  }
}

function checkStructure(
  keyword: string,
  arg: unknown,
  schema: Record<string, unknown>,
  v: unknown,
  root: Schema,
  at: string,
): string[] {
  const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
  const obj = v as Record<string, unknown>;
  switch (keyword) {
    case 'properties':
      if (!isObject) return [];
      return Object.entries(arg as Record<string, Schema>).flatMap(([k, s]) =>
        Object.hasOwn(obj, k) ? schemaErrors(s, obj[k], root, `${at}.${k}`) : [],
      );
    case 'required':
      if (!isObject) return [];
      return (arg as string[])
        .filter((k) => !Object.hasOwn(obj, k))
        .map((k) => `${at}: missing ${k}`);
    case 'additionalProperties': {
      if (!isObject) return [];
      const known = Object.keys((schema.properties as Record<string, unknown>) ?? {});
      return Object.keys(obj)
        .filter((k) => !known.includes(k))
        .flatMap((k) => schemaErrors(arg as Schema, obj[k], root, `${at}.${k}`));
    }
    case 'prefixItems':
      if (!Array.isArray(v)) return [];
      return (arg as Schema[]).flatMap((s, i) =>
        i < v.length ? schemaErrors(s, v[i], root, `${at}[${i}]`) : [],
      );
    case 'items': {
      if (!Array.isArray(v)) return [];
      const skip = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
      return v
        .slice(skip)
        .flatMap((item, i) => schemaErrors(arg as Schema, item, root, `${at}[${i + skip}]`));
    }
    default:
      throw new Error(`unsupported keyword ${keyword}`);
  }
}

/** Every subschema reachable from schema (for structural checks such as "defaults conform"). */
export function* subschemas(schema: unknown): Generator<Record<string, unknown>> {
  if (typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    for (const item of schema) yield* subschemas(item);
    return;
  }
  yield schema as Record<string, unknown>;
  for (const [key, value] of Object.entries(schema)) {
    if (key !== 'default' && key !== 'enum' && key !== 'const') yield* subschemas(value);
  }
}
