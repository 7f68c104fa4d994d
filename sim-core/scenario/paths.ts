// Turns collected problems into the reported errors: paths like `consumers[0].prefetch`, sorted
// in the order their locations appear in the input, capped with a closing "N more" line.
import type { Seg } from './spec-nodes';
import type { ValidationError } from './types';
import { isPlainObject, type Problems } from './problems';

/** The path of the whole input (and of the closing "more problems" line). */
export const ROOT_PATH = '(root)';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `producers[0].rate.perSecond`; keys that are not identifiers are quoted: `a["odd key"]`. */
export function formatPath(segs: readonly Seg[]): string {
  if (segs.length === 0) return ROOT_PATH;
  let path = '';
  for (const seg of segs) {
    if (typeof seg === 'number') path += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) path += path === '' ? seg : `.${seg}`;
    else path += `[${JSON.stringify(seg)}]`;
  }
  return path;
}

type KeyIndex = Map<object, Map<string, number>>;

/** Where each step of segs sits in the input: key position or array index (-1: absent). */
function orderKey(raw: unknown, segs: readonly Seg[], cache: KeyIndex): number[] {
  const key: number[] = [];
  let current = raw;
  for (const seg of segs) {
    if (typeof seg === 'number') {
      key.push(seg);
      current = Array.isArray(current) ? current[seg] : undefined;
      continue;
    }
    let position = -1;
    if (isPlainObject(current)) {
      let positions = cache.get(current);
      if (!positions) {
        positions = new Map(Object.keys(current).map((k, i) => [k, i]));
        cache.set(current, positions);
      }
      position = positions.get(seg) ?? -1;
    }
    key.push(position);
    current = position >= 0 ? (current as Record<string, unknown>)[seg] : undefined;
  }
  return key;
}

function compareKeys(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The first `cap` problems in input order, plus one line counting the rest. */
export function finalize(problems: Problems, raw: unknown, cap: number): ValidationError[] {
  const cache: KeyIndex = new Map();
  const sorted = problems.list
    .map((problem, index) => ({ problem, index, key: orderKey(raw, problem.segs, cache) }))
    .sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index);
  const errors = sorted
    .slice(0, cap)
    .map(({ problem }) => ({ path: formatPath(problem.segs), message: problem.message }));
  const more = problems.count - errors.length;
  if (more > 0) {
    const count = `${problems.stopped ? 'at least ' : ''}${more} more problem${more === 1 ? '' : 's'}`;
    errors.push({
      path: ROOT_PATH,
      message: `… and ${count} not shown (fix the ones above first)`,
    });
  }
  return errors;
}
