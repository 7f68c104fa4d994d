// validateScenario: raw parsed input → the normalized Scenario, or every problem found, each
// with its path. Generic rules come from spec.ts via walk.ts; whole-scenario ones, references.ts;
// a lesson's `set` actions are applied (set-path.ts) and the result validated again, here.
import { finalize, formatPath, ROOT_PATH } from './paths';
import { checkReferences } from './references';
import { applySetTracked } from './set-path';
import { SCENARIO } from './spec';
import type { Out, Seg } from './spec-nodes';
import type { Scenario, ValidationResult } from './types';
import { Problems } from './problems';
import { BAD, walk } from './walk';

/** At most this many errors are reported, then one line saying how many more there are. */
export const MAX_REPORTED_ERRORS = 100;

/**
 * Validates a parsed scenario (from JSON or YAML) and normalizes it: durations in ms, defaults
 * filled in, "none" → null. Never throws, whatever the input; when invalid, reports every problem
 * it can find as `{path, message}`, in the order they appear in the input.
 */
export function validateScenario(input: unknown): ValidationResult {
  try {
    const problems = new Problems();
    const scenario = walk(SCENARIO, input, null, problems);
    if (scenario !== BAD) {
      checkReferences(scenario as Out, input, problems);
      checkLessonSets(scenario as Out, input, problems);
    }
    if (problems.count > 0) {
      return { ok: false, errors: finalize(problems, input, MAX_REPORTED_ERRORS) };
    }
    return { ok: true, scenario: scenario as Scenario };
  } catch (error) {
    // Only reachable through exotic inputs: getters or proxies that throw when read.
    return {
      ok: false,
      errors: [{ path: ROOT_PATH, message: `could not be read (${describe(error)})` }],
    };
  }
}

const isObj = (v: unknown): v is Out => typeof v === 'object' && v !== null;

/**
 * A lesson's `set` actions: every path must resolve (applySet), and, when the scenario is valid
 * otherwise, the scenario with the changes applied must be valid too. Its problems are reported
 * at the path that caused them, or at the whole `set` when no single path did.
 */
function checkLessonSets(s: Out, raw: unknown, p: Problems): void {
  const lesson = s.lesson;
  if (!isObj(lesson) || !Array.isArray(lesson.try)) return;
  const validSoFar = p.count === 0;
  lesson.try.forEach((action: unknown, i) => {
    if (!isObj(action) || !isObj(action.set)) return;
    const set = action.set;
    const at: Seg[] = ['lesson', 'try', i, 'set'];
    const applied = applySetTracked(raw, set);
    if (!applied.ok) {
      for (const e of applied.errors) {
        p.add(Object.hasOwn(set, e.path) ? [...at, e.path] : at, e.message);
      }
      return;
    }
    if (!validSoFar || !isObj(applied.value)) return;
    const { lesson: _lesson, ...changed } = applied.value;
    const result = validateScenario(changed);
    if (result.ok) return;
    for (const e of result.errors) {
      const key = blame(e.path, applied.targets);
      const message = `applying it makes the scenario invalid: ${e.path}: ${e.message}`;
      p.add(key === null ? at : [...at, key], message);
    }
  });
}

/** The set path whose location (the deepest one) contains the error path, if any. */
function blame(errorPath: string, targets: Map<string, Seg[]>): string | null {
  let best: string | null = null;
  let bestLength = -1;
  for (const [key, segs] of targets) {
    const prefix = formatPath(segs);
    const inside =
      errorPath === prefix ||
      errorPath.startsWith(`${prefix}.`) ||
      errorPath.startsWith(`${prefix}[`);
    if (inside && prefix.length > bestLength) {
      best = key;
      bestLength = prefix.length;
    }
  }
  return best;
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : 'a value threw when read';
  } catch {
    return 'a value threw when read';
  }
}
