// Problems found while validating, where they are (Loc: a cheap linked path), and the safe
// helpers every validation step uses to look at untrusted input and describe it in messages.
import type { Seg } from './spec-nodes';
import { didYouMean } from './suggest';

/** A location, as a linked list that is cheap to extend; made into steps only for problems. */
export type Loc = { readonly up: Loc; readonly seg: Seg } | null;

/** The steps from the root to loc. */
export function steps(loc: Loc): Seg[] {
  const out: Seg[] = [];
  for (let l = loc; l !== null; l = l.up) out.push(l.seg);
  return out.reverse();
}

export interface Problem {
  segs: Seg[];
  message: string;
}

const MAX_STORED = 10_000;
const MAX_SUGGESTING = 1_000;

/** Collects problems. Past MAX_STORED it stops storing and `stopped` tells walkers to give up. */
export class Problems {
  readonly list: Problem[] = [];
  count = 0;
  stopped = false;

  add(where: Loc | Seg[], message: string): void {
    this.count++;
    if (this.list.length >= MAX_STORED) this.stopped = true;
    else this.list.push({ segs: Array.isArray(where) ? where : steps(where), message });
  }

  /** didYouMean, while few problems were found (keeps hopeless inputs fast). */
  hint(word: string, candidates: Iterable<string>): string {
    return this.count < MAX_SUGGESTING ? didYouMean(word, candidates) : '';
  }
}

/** A plain object (any realm's Object.prototype or a null prototype): not an array, Map, Date... */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** An own property, never one inherited from a prototype. */
export function ownGet(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A short, safe rendering of any value for messages (never throws, never recurses). */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${String(value)}n (a BigInt)`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `a list of ${value.length}`;
      if (isPlainObject(value)) return 'an object';
      const tag = Object.prototype.toString.call(value).slice(8, -1);
      return tag === 'Object' ? 'an object with a custom prototype' : `a ${tag}`;
    }
    default:
      return `a ${typeof value}`;
  }
}
