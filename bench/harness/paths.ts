// PATHs: a field of a scenario addressed by ids, e.g. `consumers.workers.prefetch`,
// `channels.orders.ackTimeout`, `producers.web.rate.perSecond`, `faults.0.at`. Resolves a PATH
// against the schema and the raw scenario (to check it up front, type its values and list the
// valid paths near a typo); writing values is sim-core's applySet, the lab's function.

import { applySet } from '../../sim-core/index';
import { didYouMean, editDistance } from '../../sim-core/index';
import { ScenarioSchema } from './scenario-schema';
import type { Child, JsonSchema } from './scenario-schema';

/** A PATH that exists in the scenario: its canonical text and the steps into the raw value. */
export interface ResolvedPath {
  text: string;
  /** Where it lands in the raw scenario: keys and array indices (`consumers`, 0, `prefetch`). */
  steps: ReadonlyArray<string | number>;
  /** The schema of the field it names (types the values given for it). */
  schema: JsonSchema;
}

export type Resolution =
  | { ok: true; path: ResolvedPath }
  /** near: valid paths close to the bad one; more: how many others under the same node. */
  | { ok: false; message: string; near: string[]; more: number };

/** Fields that are not worth varying (identity, metadata) or have their own option (seed). */
const UNLISTED_ANYWHERE = new Set(['id', '$schema', 'version']);
const UNLISTED_TOP = new Set(['name', 'description', 'seed', 'lesson']);

/** How many valid paths an error lists. */
const NEAR_COUNT = 12;

const join = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}.${name}`);
const shown = (prefix: string) => (prefix === '' ? 'the scenario' : prefix);

function listable(prefix: string, c: Child): boolean {
  return !UNLISTED_ANYWHERE.has(c.name) && !(prefix === '' && UNLISTED_TOP.has(c.name));
}

export interface PathEntry {
  path: string;
  /** The value in the scenario, or undefined when left to the default. */
  value: unknown;
  /** The default that applies when the value is absent (undefined: none or derived). */
  fallback: unknown;
}

/** Every PATH under a node that takes a plain value, in schema order (lists of plain values aside). */
export function listPaths(schema: ScenarioSchema, raw: unknown): PathEntry[] {
  return walkPaths(schema, raw, schema.root, '', undefined).filter(
    (e) => refusal(raw, e.path) === null,
  );
}

/**
 * Why applySet (the one function that writes PATHs, shared with the lab) refuses a PATH, or
 * null. The schema walk proposes; applySet has the last word, e.g. on variants chosen by an
 * alias (`commit: afterProcessing` has no `every`).
 */
function refusal(raw: unknown, path: string): string | null {
  const r = applySet(raw, { [path]: 0 });
  return r.ok ? null : r.errors.map((e) => e.message).join('; ');
}

function walkPaths(
  schema: ScenarioSchema,
  raw: unknown,
  node: JsonSchema,
  prefix: string,
  defaults: unknown,
): PathEntry[] {
  const out: PathEntry[] = [];
  // Below an absent field the defaults stand in for the value (they choose the variant), but
  // what they hold is reported as a default, not as the scenario's value.
  const present = raw !== undefined;
  for (const c of schema.children(node, present ? raw : defaults)) {
    if (!listable(prefix, c) || (c.kind === 'index' && schema.acceptsScalar(c.schema))) continue;
    const path = join(prefix, c.name);
    const value = present ? c.value : undefined;
    const fallback = present ? c.fallback : (c.value ?? c.fallback);
    if (schema.acceptsScalar(c.schema)) out.push({ path, value, fallback });
    out.push(...walkPaths(schema, value, c.schema, path, fallback));
  }
  return out;
}

interface Failure {
  depth: number;
  prefix: string;
  node: JsonSchema;
  value: unknown;
  message: string;
}

/** Resolves a PATH, or says what is wrong and which valid paths are near it. */
export function resolvePath(schema: ScenarioSchema, raw: unknown, text: string): Resolution {
  const tokens = text.split('.');
  if (text.trim() === '' || tokens.some((t) => t === ''))
    return { ok: false, message: 'a PATH is field names and ids joined by "."', near: [], more: 0 };
  let deepest: Failure | null = null;
  const fail = (f: Failure) => {
    if (deepest === null || f.depth > deepest.depth) deepest = f;
    return null;
  };
  const steps: Array<string | number> = [];

  // Depth-first with backtracking: an id may contain dots (`orders.dlq`), so at a list the
  // longest run of tokens that names an entry is tried first.
  const walk = (node: JsonSchema, value: unknown, i: number, prefix: string): JsonSchema | null => {
    if (i === tokens.length) {
      if (schema.acceptsScalar(node)) return node;
      return fail({
        depth: i,
        prefix,
        node,
        value,
        message: `${prefix} holds fields, not a value: choose one under it`,
      });
    }
    const children = schema.children(node, value);
    const candidates: Array<[Child, number]> = [];
    for (let j = tokens.length; j > i; j--) {
      const name = tokens.slice(i, j).join('.');
      for (const c of children)
        if (c.name === name && (c.kind === 'id' || j === i + 1)) candidates.push([c, j]);
    }
    for (const [c, j] of candidates) {
      steps.push(c.step);
      const found = walk(c.schema, c.value ?? c.fallback, j, join(prefix, c.name));
      if (found) return found;
      steps.pop();
    }
    if (candidates.length === 0)
      fail({
        depth: i,
        prefix,
        node,
        value,
        message: missing(schema, prefix, node, children, tokens[i]),
      });
    return null;
  };

  const leaf = walk(schema.root, raw, 0, '');
  if (leaf) {
    const refused = refusal(raw, text);
    if (refused === null) return { ok: true, path: { text, steps, schema: leaf } };
    const root = { depth: 0, prefix: '', node: schema.root, value: raw, message: refused };
    return { ok: false, message: refused, ...nearPaths(schema, raw, root, text) };
  }
  const f = deepest as Failure | null;
  if (!f) return { ok: false, message: 'no such field', near: [], more: 0 };
  return { ok: false, message: f.message, ...nearPaths(schema, raw, f, text) };
}

function missing(
  schema: ScenarioSchema,
  prefix: string,
  node: JsonSchema,
  children: Child[],
  token: string,
): string {
  const where = shown(prefix);
  if (children.length === 0) {
    if (schema.fields(node, undefined) !== null || schema.deref(node).items !== undefined)
      return `${where} is empty: nothing to address under it`;
    return `${where} is a value; there is nothing under it`;
  }
  const names = children.map((c) => c.name);
  const hint = didYouMean(token, names);
  if (children[0].kind === 'id') {
    const ids = names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ');
    return `${where} has no entry with id "${token}"${hint}; its ids: ${ids}`;
  }
  if (children[0].kind === 'index')
    return `${where} has no entry ${token} (it has ${names.length}: 0 to ${names.length - 1})`;
  return `${where} has no field "${token}"${hint}`;
}

/** The valid paths under the deepest node reached, closest to what was typed first. */
function nearPaths(
  schema: ScenarioSchema,
  raw: unknown,
  f: Failure,
  text: string,
): { near: string[]; more: number } {
  const all = walkPaths(schema, f.value, f.node, f.prefix, undefined)
    .map((e) => e.path)
    .filter((p) => refusal(raw, p) === null);
  const ranked = all
    .map((p, order) => ({ p, order, d: editDistance(text.toLowerCase(), p.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.order - b.order)
    .slice(0, NEAR_COUNT);
  const near = ranked.sort((a, b) => a.order - b.order).map((x) => x.p);
  return { near, more: all.length - near.length };
}
