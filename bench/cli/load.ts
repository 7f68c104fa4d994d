// Reads a scenario file, applies command-line overrides to the raw value, and validates it.
// Any problem becomes a UsageError listing every `path: message`.

import { readFileSync, statSync } from 'node:fs';
import { parseScenarioText, validateScenario } from '../../sim-core/index';
import type { Scenario } from '../../sim-core/index';
import { UsageError } from './errors';

/** Files larger than this are refused before parsing (a scenario is a few KB). */
const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

export function readScenarioValue(file: string): unknown {
  let text: string;
  try {
    if (statSync(file).size > MAX_SCENARIO_BYTES)
      throw new UsageError([`${file}: larger than 16 MB; is this a scenario file?`]);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? e);
    throw new UsageError([`${file}: cannot read the scenario (${why})`]);
  }
  if (text.trim() === '') throw new UsageError([`${file}: the file is empty`]);
  const parsed = parseScenarioText(text, file);
  if (!parsed.ok) throw new UsageError(parsed.errors.map((e) => `${e.path}: ${e.message}`));
  return parsed.value;
}

/** Validates a raw scenario value; throws a UsageError listing every problem. */
export function validateOrThrow(value: unknown): Scenario {
  const result = validateScenario(value);
  if (!result.ok) throw new UsageError(result.errors.map((e) => `${e.path}: ${e.message}`));
  return result.scenario;
}

export interface Overrides {
  duration?: string;
  limits?: { maxEvents?: string; maxSimTime?: string; maxMessagesHeld?: string };
}

/** A command-line string as the scenario would hold it: a number if it is one. */
function asValue(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** Applies command-line overrides to the raw value so the validator checks them like any field. */
export function withOverrides(value: unknown, o: Overrides): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (o.duration !== undefined) out.duration = asValue(o.duration);
  const given = Object.entries(o.limits ?? {}).filter(([, v]) => v !== undefined);
  const limits = out.limits;
  const mergeable =
    limits === undefined ||
    (typeof limits === 'object' && limits !== null && !Array.isArray(limits));
  // A `limits` that is not an object stays as written, for the validator to refuse: a flag must
  // not hide a broken field.
  if (given.length > 0 && mergeable) {
    out.limits = {
      ...limits,
      ...Object.fromEntries(given.map(([k, v]) => [k, asValue(v as string)])),
    };
  }
  return out;
}

export function loadScenario(file: string, overrides: Overrides = {}): Scenario {
  return validateOrThrow(withOverrides(readScenarioValue(file), overrides));
}
