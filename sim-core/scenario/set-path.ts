// applySet: changes fields of a RAW scenario (the plain data parsed from JSON or YAML, before
// validation) by path, e.g. `consumers.workers.prefetch` → 1. List entries are addressed by id
// (`channels.order-events.subscriptions.billing.ackTimeout`), lists without ids by 0-based index
// (`consumers.order-service.emit.0.probability`). Paths follow spec.ts, so a misspelt field or id
// is refused with a "did you mean". Lesson "try this" actions use it, in the lab and when the
// validator checks them; the result still has to be validated like any scenario.
import { SCENARIO } from './spec';
import type { Node, ObjectNode, Seg } from './spec-nodes';
import { ROOT_PATH } from './paths';
import { isPlainObject, ownGet, show } from './problems';
import { didYouMean } from './suggest';
import type { ValidationError } from './types';

export type SetResult = { ok: true; value: unknown } | { ok: false; errors: ValidationError[] };

/** applySet's result, plus where each path landed in the raw scenario (for error messages). */
export type TrackedSetResult =
  | { ok: true; value: unknown; targets: Map<string, Seg[]> }
  | { ok: false; errors: ValidationError[] };

/** Top-level fields a set may not change. */
const NOT_SETTABLE = new Set(['lesson', '$schema', 'version']);

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Applies `set` (path → new value, in key order) to the raw scenario `raw` and returns the new
 * raw scenario; `raw` itself is not changed. An absent field along a path starts as its default
 * (or an empty object), so `channels.q.retryDelay.value` works on a queue without `retryDelay`.
 * A value is written exactly as given, for the validator to check and normalize like anything
 * else in a file. The result shares unchanged parts of `raw`, and the values themselves, with
 * the inputs: treat all of them as immutable. Errors have the offending path as their `path`
 * (`(root)` when `raw` or `set` is not an object). Never throws.
 */
export function applySet(raw: unknown, set: Record<string, unknown>): SetResult {
  const result = applySetTracked(raw, set);
  return result.ok ? { ok: true, value: result.value } : result;
}

/** applySet, also returning each path's location in the raw scenario (e.g. `consumers`, 0, `ack`). */
export function applySetTracked(raw: unknown, set: Record<string, unknown>): TrackedSetResult {
  try {
    if (!isPlainObject(set)) return rootError(`the changes must be an object (got ${show(set)})`);
    if (!isPlainObject(raw)) return rootError(`the scenario must be an object (got ${show(raw)})`);
    const errors: ValidationError[] = [];
    const targets = new Map<string, Seg[]>();
    let value: unknown = raw;
    for (const path of Object.keys(set)) {
      const where: Seg[] = [];
      const step = applyOne(value, path, ownGet(set, path), where);
      if (step.ok) {
        value = step.value;
        targets.set(path, where);
      } else errors.push({ path, message: step.message });
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value, targets };
  } catch {
    // Only reachable through exotic inputs: getters or proxies that throw when read.
    return rootError('could not be read (a value threw when read)');
  }
}

function rootError(message: string): TrackedSetResult {
  return { ok: false, errors: [{ path: ROOT_PATH, message }] };
}

type Step = { ok: true; value: unknown } | { ok: false; message: string };

const failed = (message: string): Step => ({ ok: false, message });

function applyOne(raw: unknown, path: string, value: unknown, where: Seg[]): Step {
  if (path.trim() === '') return failed('must be a field path like "consumers.<id>.prefetch"');
  const segs = path.split('.');
  const first = segs[0];
  if (NOT_SETTABLE.has(first)) return failed(`${show(first)} cannot be changed by a set`);
  return put({ segs, where }, SCENARIO, raw, 0, value);
}

/** The path being applied and the location reached so far. */
interface Walk {
  segs: string[];
  where: Seg[];
}

/** Writes value at segs[i..] inside current (described by node); returns the new current. */
function put(w: Walk, node: Node, current: unknown, i: number, value: unknown): Step {
  if (i === w.segs.length) return { ok: true, value };
  let n = node;
  let cur = current;
  while (n.t === 'nullable') {
    if (n.nulls.includes(cur as null)) cur = undefined;
    n = n.inner;
  }
  cur = n.aliases?.find((a) => a.raw === cur)?.as ?? cur;
  switch (n.t) {
    case 'object':
      return putField(w, n, n.fields, cur, i, value, '');
    case 'tagged': {
      if (cur === undefined || !isPlainObject(cur)) return notObject(w, i, cur);
      if (w.segs[i] === n.tag) return putField(w, n, {}, cur, i, value, '');
      const tag = ownGet(cur, n.tag);
      if (tag === undefined && n.untagged !== undefined)
        return putField(w, n, n.untagged.fields, cur, i, value, '');
      if (typeof tag !== 'string' || !Object.hasOwn(n.variants, tag)) {
        return failed(`${at(w, i)} has no valid "${n.tag}": set ${at(w, i)} as a whole instead`);
      }
      return putField(w, n, n.variants[tag].fields, cur, i, value, ` (${n.tag} "${tag}")`);
    }
    case 'keyed': {
      if (cur === undefined || !isPlainObject(cur)) return notObject(w, i, cur);
      const verbs = Object.keys(n.variants).filter((v) => ownGet(cur, v) !== undefined);
      if (verbs.length !== 1) return failed(`${at(w, i)} is not a valid entry: set it as a whole`);
      return putField(w, n, n.variants[verbs[0]].fields, cur, i, value, '');
    }
    case 'array':
      return putItem(w, n.items, cur, i, value);
    default:
      return failed(`${at(w, i)} is a single value: there is nothing inside it to set`);
  }
}

/** The path up to segs[i], for messages ("the scenario" at the top). */
function at(w: Walk, i: number): string {
  return i === 0 ? 'the scenario' : `"${w.segs.slice(0, i).join('.')}"`;
}

function notObject(w: Walk, i: number, cur: unknown): Step {
  if (cur === undefined) return failed(`${at(w, i)} is not set: set it as a whole instead`);
  return failed(`${at(w, i)} is ${show(cur)}, not an object`);
}

/** Sets field segs[i] of an object (created when missing) whose fields are `fields`. */
function putField(
  w: Walk,
  node: Node,
  fields: ObjectNode['fields'],
  cur: unknown,
  i: number,
  value: unknown,
  which: string,
): Step {
  if (cur !== undefined && !isPlainObject(cur)) return notObject(w, i, cur);
  const key = w.segs[i];
  const tag = node.t === 'tagged' ? node.tag : null;
  const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (key !== tag && (field === undefined || field.dropped)) {
    const names = Object.keys(fields).filter((f) => !fields[f].dropped && !NOT_SETTABLE.has(f));
    const where = i === 0 ? '' : ` in ${at(w, i)}${which}`;
    const what = i === 0 ? 'top-level field' : 'field';
    return failed(`unknown ${what} ${show(key)}${where}${didYouMean(key, names)}`);
  }
  const base = cur ?? {};
  w.where.push(key);
  // An absent field on the way starts as its default (`retryDelay` → {kind: constant, value: 0}).
  const child = ownGet(base, key) ?? field?.default;
  const inner =
    field === undefined ? ({ ok: true, value } as Step) : put(w, field.node, child, i + 1, value);
  if (!inner.ok) return inner;
  const copy: Record<string, unknown> = { ...base };
  Object.defineProperty(copy, key, {
    value: inner.value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return { ok: true, value: copy };
}

/** True when a list's entries have ids (producers, channels, consumers, subscriptions). */
function hasIds(items: Node): boolean {
  let n = items;
  while (n.t === 'nullable') n = n.inner;
  if (n.t === 'object') return Object.hasOwn(n.fields, 'id');
  if (n.t === 'tagged')
    return Object.values(n.variants).every((v) => Object.hasOwn(v.fields, 'id'));
  return false;
}

/** Sets inside a list entry named by id (ids may contain dots: the longest match wins) or index. */
function putItem(w: Walk, items: Node, cur: unknown, i: number, value: unknown): Step {
  if (cur !== undefined && !Array.isArray(cur)) {
    return failed(`${at(w, i)} is ${show(cur)}, not a list`);
  }
  const list: unknown[] = cur ?? [];
  const rest = w.segs.length - i;
  let index = -1;
  let used = 1;
  if (hasIds(items)) {
    const ids = list.map((entry) => (isPlainObject(entry) ? ownGet(entry, 'id') : undefined));
    for (let k = rest; k >= 1 && index < 0; k--) {
      index = ids.indexOf(w.segs.slice(i, i + k).join('.'));
      used = k;
    }
    if (index < 0) {
      const noun = String(w.where[w.where.length - 1] ?? 'entry').replace(/s$/, '');
      const names = ids.filter((id): id is string => typeof id === 'string');
      const none = names.length === 0 ? ` (there are no ${noun}s)` : didYouMean(w.segs[i], names);
      return failed(`unknown ${noun} ${show(w.segs[i])}${none}`);
    }
  } else {
    const seg = w.segs[i];
    if (!INDEX.test(seg) || Number(seg) >= list.length) {
      const n = list.length;
      const has =
        n === 0
          ? 'it is empty'
          : n === 1
            ? 'it has 1 entry: 0'
            : `it has ${n} entries: 0 to ${n - 1}`;
      return failed(`${at(w, i)} has no entry ${show(seg)} (${has})`);
    }
    index = Number(seg);
  }
  w.where.push(index);
  const inner = put(w, items, list[index], i + used, value);
  if (!inner.ok) return inner;
  const copy = list.slice();
  copy[index] = inner.value;
  return { ok: true, value: copy };
}
