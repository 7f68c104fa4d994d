// The engine's shape, checked: sim-core's modules import each other in one direction only (no
// import cycle, type-only imports included), and nothing outside sim-core reaches past its index.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CORE = join(ROOT, 'sim-core');

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(p).isDirectory() ? filesUnder(p, ext) : ext.test(name) ? [p] : [];
  });
}

/** Relative import specifiers of a source file (static imports and re-exports, types too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) out.push(m[1]);
  return out.filter((s) => s.startsWith('.'));
}

function resolveTs(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')])
    if (candidate.endsWith('.ts') && statSync(candidate, { throwIfNoEntry: false })?.isFile())
      return candidate;
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${spec}`);
}

/** A cycle in the import graph, as a list of files, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      const c = visit(g);
      if (c) return c;
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of graph.keys()) {
    const c = visit(f);
    if (c) return c;
  }
  return null;
}

describe('sim-core architecture', () => {
  it('has no import cycle (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const f of filesUnder(CORE, /\.ts$/))
      graph.set(
        f,
        importsOf(f).map((s) => resolveTs(f, s)),
      );
    expect(graph.size).toBeGreaterThan(40);
    const cycle = findCycle(graph);
    expect(cycle === null ? null : cycle.map((f) => relative(ROOT, f))).toBeNull();
  });

  it('finds a cycle when there is one (the checker itself works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('is imported from outside only through sim-core/index.ts', () => {
    const outside = ['src', 'bench', 'test'].flatMap((d) =>
      filesUnder(join(ROOT, d), /\.(ts|svelte|mjs)$/),
    );
    const offenders: string[] = [];
    for (const f of outside) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from\s+'([^']*sim-core[^']*)'/g))
        if (!/sim-core\/index$/.test(m[1])) offenders.push(`${relative(ROOT, f)}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
