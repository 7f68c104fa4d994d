// The generic half of validation: walks raw input along a spec node (spec-nodes.ts), collecting
// every problem with its location and building the normalized value (ms, defaults, null).
import { DURATION_HINT, parseDuration } from './durations';
import type {
  ArrayNode,
  DurationNode,
  EnumNode,
  Field,
  KeyedNode,
  MapNode,
  Node,
  NumberNode,
  ObjectNode,
  Out,
  Seg,
  StringNode,
  TaggedNode,
  TupleNode,
} from './spec-nodes';
import { isPlainObject, ownGet, Problems, show, steps, type Loc } from './problems';

/** Stands in for a value that failed validation (its problem has been reported). */
export const BAD: unique symbol = Symbol('invalid');

const child = (up: Loc, seg: Seg): Loc => ({ up, seg });

function fail(p: Problems, loc: Loc, message: string): typeof BAD {
  p.add(loc, message);
  return BAD;
}

/** Validates raw against node; returns the normalized value, or BAD (objects: partial values). */
export function walk(node: Node, raw: unknown, loc: Loc, p: Problems): unknown {
  const value =
    node.shorthand !== undefined && typeof raw === node.shorthand.type
      ? { ...node.shorthand.with, [node.shorthand.field]: raw }
      : (node.aliases?.find((a) => a.raw === raw)?.as ?? raw);
  switch (node.t) {
    case 'string':
      return walkString(node, value, loc, p);
    case 'number':
      return walkNumber(node, value, loc, p);
    case 'duration':
      return walkDuration(node, value, loc, p);
    case 'boolean':
      return typeof value === 'boolean'
        ? value
        : fail(p, loc, `must be true or false (got ${show(value)})`);
    case 'enum':
      return walkEnum(node, value, loc, p);
    case 'nullable':
      return node.nulls.includes(value as null) ? null : walk(node.inner, value, loc, p);
    case 'object':
      return walkObject(node, value, loc, p, null);
    case 'array':
      return walkArray(node, value, loc, p);
    case 'tuple':
      return walkTuple(node, value, loc, p);
    case 'tagged':
      return walkTagged(node, value, loc, p);
    case 'keyed':
      return walkKeyed(node, value, loc, p);
    case 'map':
      return walkMap(node, value, loc, p);
  }
}

/**
 * The longest duration a scenario may name: the engine counts time in whole µs, and 10^15 µs
 * keeps every sum of a few of them an exact integer (below 2^53).
 */
export const MAX_DURATION_MS = 1e12;

const patterns = new Map<string, RegExp>();

function walkString(node: StringNode, v: unknown, loc: Loc, p: Problems): unknown {
  if (typeof v !== 'string') {
    const quote = typeof v === 'number' || typeof v === 'boolean' ? `; quote it: "${v}"` : '';
    return fail(p, loc, `must be a string (got ${show(v)}${quote})`);
  }
  if (node.nonEmpty && v.trim() === '') return fail(p, loc, 'must not be empty');
  if (node.pattern !== undefined) {
    let re = patterns.get(node.pattern);
    if (!re) patterns.set(node.pattern, (re = new RegExp(node.pattern)));
    if (!re.test(v)) return fail(p, loc, `${show(v)} is not a valid id (${node.patternMessage})`);
  }
  return v;
}

/** "≥ 1", "a positive number", "between 0 and 1", "≥ 0 and < 1"... */
export function rangeWords(node: NumberNode | DurationNode): string {
  const max = node.t === 'number' ? node.max : undefined;
  const lt = node.t === 'number' ? node.lt : undefined;
  if (node.gt === 0 && max === undefined && lt === undefined) {
    return `a positive ${node.t === 'number' && node.int ? 'integer' : 'number'}`;
  }
  if (node.min !== undefined && max !== undefined) return `between ${node.min} and ${max}`;
  const parts: string[] = [];
  if (node.min !== undefined) parts.push(`≥ ${node.min}`);
  if (node.gt !== undefined) parts.push(`> ${node.gt}`);
  if (max !== undefined) parts.push(`≤ ${max}`);
  if (lt !== undefined) parts.push(`< ${lt}`);
  return parts.join(' and ');
}

function inRange(node: NumberNode | DurationNode, v: number): boolean {
  if (node.min !== undefined && v < node.min) return false;
  if (node.gt !== undefined && v <= node.gt) return false;
  if (node.t === 'number' && node.max !== undefined && v > node.max) return false;
  return !(node.t === 'number' && node.lt !== undefined && v >= node.lt);
}

function walkNumber(node: NumberNode | DurationNode, v: unknown, loc: Loc, p: Problems): unknown {
  const int = node.t === 'number' && node.int;
  if (typeof v !== 'number') {
    const what = int ? 'an integer' : 'a number';
    const range = rangeWords(node);
    const words = range.startsWith('a ') ? range : `${what}${range ? ` ${range}` : ''}`;
    return fail(p, loc, `must be ${words} (got ${show(v)})`);
  }
  if (!Number.isFinite(v)) return fail(p, loc, `must be a finite number (got ${show(v)})`);
  if (int && !Number.isInteger(v)) return fail(p, loc, `must be an integer (got ${show(v)})`);
  if (int && !Number.isSafeInteger(v)) return fail(p, loc, `must be ≤ ${Number.MAX_SAFE_INTEGER}`);
  if (!inRange(node, v)) return fail(p, loc, `must be ${rangeWords(node)}`);
  if (node.t === 'duration' && v > MAX_DURATION_MS)
    return fail(p, loc, `must be ≤ ${MAX_DURATION_MS} ms (about 31 years)`);
  return v === 0 ? 0 : v;
}

function walkDuration(node: DurationNode, v: unknown, loc: Loc, p: Problems): unknown {
  if (typeof v === 'number') return walkNumber(node, v, loc, p);
  if (typeof v !== 'string') {
    return fail(p, loc, `must be a duration (${DURATION_HINT}), got ${show(v)}`);
  }
  const ms = parseDuration(v);
  if (ms === null) return fail(p, loc, `${show(v)} is not a duration (${DURATION_HINT})`);
  return walkNumber(node, ms, loc, p);
}

function walkEnum(node: EnumNode, v: unknown, loc: Loc, p: Problems): unknown {
  if (node.values.includes(v as string)) return v;
  if (node.values.length === 1) return fail(p, loc, `must be ${show(node.values[0])}`);
  const hint = typeof v === 'string' ? p.hint(v, node.values.map(String)) : '';
  return fail(p, loc, `must be one of: ${node.values.join(', ')}${hint}`);
}

const fieldsCache = new WeakMap<ObjectNode, { entries: [string, Field][]; names: string[] }>();

function fieldsOf(node: ObjectNode): { entries: [string, Field][]; names: string[] } {
  let fields = fieldsCache.get(node);
  if (!fields) {
    fields = { entries: Object.entries(node.fields), names: Object.keys(node.fields) };
    fieldsCache.set(node, fields);
  }
  return fields;
}

const defaultsCache = new WeakMap<Field, unknown>();

/** A field's default, normalized once (defaults are valid by construction) and copied per use. */
function normalizedDefault(field: Field): unknown {
  if (!defaultsCache.has(field))
    defaultsCache.set(field, walk(field.node, field.default, null, new Problems()));
  return copy(defaultsCache.get(field));
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
}

/** How a tagged variant was chosen, for messages about fields of other variants. */
interface Variant {
  tag: string;
  value: string;
  owners: Map<string, string[]>;
}

function walkObject(
  node: ObjectNode,
  raw: unknown,
  loc: Loc,
  p: Problems,
  variant: Variant | null,
): unknown {
  if (!isPlainObject(raw)) return fail(p, loc, `must be an object (got ${show(raw)})`);
  const before = p.count;
  const out: Out = {};
  // The tag goes right after the id (as in types.ts), or first when there is no id.
  if (variant && !Object.hasOwn(node.fields, 'id')) out[variant.tag] = variant.value;
  const { entries, names } = fieldsOf(node);
  for (const [name, field] of entries) {
    const value = ownGet(raw, name);
    if (field.derived !== undefined) out[name] = undefined; // keeps the field order
    if (value !== undefined) {
      const normalized = walk(field.node, value, child(loc, name), p);
      if (!field.dropped) out[name] = normalized;
    } else if (field.required) {
      out[name] = fail(p, child(loc, name), 'is required');
    } else if (!field.dropped && field.derived === undefined) {
      out[name] = normalizedDefault(field);
    }
    if (variant && name === 'id') out[variant.tag] = variant.value;
  }
  reportUnknown(names, raw, loc, p, variant);
  node.finish?.(out);
  if (node.check && p.count === before) {
    node.check(out, (rel, message) =>
      p.add([...steps(loc), ...(Array.isArray(rel) ? rel : [rel])], message),
    );
  }
  return out;
}

function reportUnknown(
  known: string[],
  raw: Record<string, unknown>,
  loc: Loc,
  p: Problems,
  variant: Variant | null,
): void {
  const names = variant ? [variant.tag, ...known] : known;
  for (const key of Object.keys(raw)) {
    if (names.includes(key) || raw[key] === undefined) continue;
    const owners = variant?.owners.get(key);
    const hint =
      variant && owners
        ? ` for ${variant.tag} "${variant.value}" (it belongs to ${variant.tag} ${quoteAll(owners)})`
        : p.hint(key, names);
    p.add(child(loc, key), `unknown field ${show(key)}${hint}`);
  }
}

const quoteAll = (words: string[]): string => words.map((w) => `"${w}"`).join(', ');

function walkArray(node: ArrayNode, raw: unknown, loc: Loc, p: Problems): unknown {
  if (!Array.isArray(raw)) return fail(p, loc, `must be a list (got ${show(raw)})`);
  const before = p.count;
  if (node.minItems !== undefined && raw.length < node.minItems) {
    p.add(loc, node.minItems === 1 ? 'must not be empty' : `needs at least ${node.minItems} items`);
  }
  if (node.maxItems !== undefined && raw.length > node.maxItems) {
    const most = `${node.maxItems} item${node.maxItems === 1 ? '' : 's'}`;
    p.add(loc, `must have at most ${most} (got ${raw.length})`);
  }
  const out: unknown[] = [];
  for (let i = 0; i < raw.length && !p.stopped; i++) {
    out.push(walk(node.items, raw[i], child(loc, i), p));
  }
  if (node.check && p.count === before) {
    node.check(out, (rel, message) =>
      p.add([...steps(loc), ...(Array.isArray(rel) ? rel : [rel])], message),
    );
  }
  return out;
}

function walkTuple(node: TupleNode, raw: unknown, loc: Loc, p: Problems): unknown {
  if (!Array.isArray(raw) || raw.length !== node.items.length) {
    return fail(p, loc, `must be ${node.shape} (got ${show(raw)})`);
  }
  return node.items.map((item, i) => walk(item, raw[i], child(loc, i), p));
}

const ownersCache = new WeakMap<TaggedNode, Map<string, string[]>>();

/** field name → the variants that have it. */
function owners(node: TaggedNode): Map<string, string[]> {
  let map = ownersCache.get(node);
  if (!map) {
    map = new Map();
    for (const [name, variant] of Object.entries(node.variants)) {
      for (const field of Object.keys(variant.fields))
        map.set(field, [...(map.get(field) ?? []), name]);
    }
    ownersCache.set(node, map);
  }
  return map;
}

function walkTagged(node: TaggedNode, raw: unknown, loc: Loc, p: Problems): unknown {
  const names = Object.keys(node.variants);
  const choices = names.join(', ');
  if (!isPlainObject(raw)) {
    return fail(p, loc, `must be an object with a "${node.tag}" (${choices}), got ${show(raw)}`);
  }
  const tag = ownGet(raw, node.tag);
  const here = child(loc, node.tag);
  if (tag === undefined && node.untagged !== undefined)
    return walkObject(node.untagged, raw, loc, p, null);
  if (tag === undefined) return fail(p, here, `is required (one of: ${choices})`);
  if (typeof tag !== 'string' || !Object.hasOwn(node.variants, tag)) {
    const hint = typeof tag === 'string' ? p.hint(tag, names) : '';
    return fail(p, here, `must be one of: ${choices}${hint}`);
  }
  const variant = { tag: node.tag, value: tag, owners: owners(node) };
  return walkObject(node.variants[tag], raw, loc, p, variant);
}

function walkKeyed(node: KeyedNode, raw: unknown, loc: Loc, p: Problems): unknown {
  const names = Object.keys(node.variants);
  if (!isPlainObject(raw)) {
    return fail(p, loc, `must be an object with one of: ${names.join(', ')} (got ${show(raw)})`);
  }
  const present = names.filter((name) => ownGet(raw, name) !== undefined);
  if (present.length === 1) return walkObject(node.variants[present[0]], raw, loc, p, null);
  if (present.length > 1) {
    const message = `only one of ${names.join(', ')} per entry (this one also has "${present[0]}")`;
    return fail(p, child(loc, present[1]), message);
  }
  p.add(loc, `must have one of: ${names.join(', ')}`);
  const all = new Set(Object.values(node.variants).flatMap((v) => Object.keys(v.fields)));
  reportUnknown([...all], raw, loc, p, null);
  return BAD;
}

/** Keys are free-form; values are kept as given (defined as own properties: "__proto__"). */
function walkMap(node: MapNode, raw: unknown, loc: Loc, p: Problems): unknown {
  if (!isPlainObject(raw)) return fail(p, loc, `must be an object (got ${show(raw)})`);
  const keys = Object.keys(raw).filter((key) => ownGet(raw, key) !== undefined);
  if (node.minEntries !== undefined && keys.length < node.minEntries) {
    p.add(
      loc,
      node.minEntries === 1 ? 'must not be empty' : `needs at least ${node.minEntries} entries`,
    );
  }
  const out: Out = {};
  for (const key of keys) {
    Object.defineProperty(out, key, {
      value: ownGet(raw, key),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  node.check?.(out, (rel, message) =>
    p.add([...steps(loc), ...(Array.isArray(rel) ? rel : [rel])], message),
  );
  return out;
}
