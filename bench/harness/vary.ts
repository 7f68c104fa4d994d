// `--vary PATH=v1,v2,...`: splits the option, resolves the PATH and types each value the way the
// field takes it (a number where a number is accepted, true/false, null), so the validator then
// judges the values exactly as if they had been written in the file.

import { UsageError } from '../cli/errors';
import { resolvePath } from './paths';
import type { ResolvedPath } from './paths';
import type { ScenarioSchema } from './scenario-schema';

export type ParamValue = number | string | boolean | null;

/** One varied field: its PATH and the values it takes, in the order given. */
export interface Axis {
  path: ResolvedPath;
  values: ParamValue[];
}

/** A decimal number as a person types it (`10`, `-0.5`, `1e3`); not `0x10` or `Infinity`. */
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

/** The most values one --vary may list. */
const MAX_VALUES = 10_000;

/** A command-line value typed by what the field accepts; a plain string otherwise. */
export function typeValue(
  text: string,
  accepted: { types: Set<string>; literals: unknown[] },
): ParamValue {
  for (const lit of accepted.literals)
    if ((lit === null || typeof lit !== 'object') && String(lit) === text) return lit as ParamValue;
  const numeric = accepted.types.has('number') || accepted.types.has('integer');
  if (numeric && DECIMAL.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (accepted.types.has('boolean') && (text === 'true' || text === 'false'))
    return text === 'true';
  if (accepted.types.has('null') && text === 'null') return null;
  return text;
}

/** Parses every --vary; throws one UsageError listing all the problems. */
export function parseAxes(schema: ScenarioSchema, raw: unknown, args: readonly string[]): Axis[] {
  const problems: string[] = [];
  const axes: Axis[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      problems.push(
        `--vary ${arg}: expected PATH=v1,v2,... (e.g. consumers.workers.prefetch=1,10,100)`,
      );
      continue;
    }
    const pathText = arg.slice(0, eq).trim();
    const texts = arg
      .slice(eq + 1)
      .split(',')
      .map((t) => t.trim());
    const at = `--vary ${pathText}`;
    if (pathText === 'seed') {
      problems.push(`${at}: seeds are chosen with --seed N (the first) and --seeds K (how many)`);
      continue;
    }
    const resolved = resolvePath(schema, raw, pathText);
    if (!resolved.ok) {
      problems.push(`${at}: ${resolved.message}`);
      if (resolved.near.length > 0)
        problems.push(`  valid paths near it:`, ...resolved.near.map((p) => `    ${p}`));
      if (resolved.more > 0)
        problems.push(`    … and ${resolved.more} more (--list-paths lists every PATH)`);
      continue;
    }
    if (seen.has(resolved.path.text)) {
      problems.push(`${at}: varied twice; give all its values in one --vary`);
      continue;
    }
    seen.add(resolved.path.text);
    const valueProblem = checkValueTexts(texts);
    if (valueProblem) {
      problems.push(`${at}: ${valueProblem}`);
      continue;
    }
    const accepted = schema.accepted(resolved.path.schema);
    axes.push({ path: resolved.path, values: texts.map((t) => typeValue(t, accepted)) });
  }
  if (problems.length > 0) throw new UsageError(problems);
  return axes;
}

function checkValueTexts(texts: string[]): string | null {
  if (texts.some((t) => t === '')) return 'a value is empty (values are separated by ",")';
  if (texts.length > MAX_VALUES) return `at most ${MAX_VALUES} values`;
  const dup = texts.find((t, i) => texts.indexOf(t) !== i);
  return dup === undefined ? null : `the value ${dup} is given twice`;
}

/** `consumers.workers.prefetch=10`: one varied value as a person reads it. */
export function describeValue(axis: Axis, value: ParamValue): string {
  return `${axis.path.text}=${value === null ? 'null' : String(value)}`;
}
