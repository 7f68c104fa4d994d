// validateScenario: raw parsed input → the normalized Scenario, or every problem found, each
// with its path. Generic rules come from spec.ts via walk.ts; whole-scenario ones, references.ts.
import { finalize, ROOT_PATH } from './paths';
import { checkReferences } from './references';
import { SCENARIO } from './spec';
import type { Out } from './spec-nodes';
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
    if (scenario !== BAD) checkReferences(scenario as Out, input, problems);
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

function describe(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : 'a value threw when read';
  } catch {
    return 'a value threw when read';
  }
}
