// Shared plumbing of the property tests: case counts, validating generated scenarios, running
// them, and the reproduction recipe a failing case prints.

import { Simulation } from '../../sim-core/index';
import type { Report, Scenario } from '../../sim-core/index';
import { validateScenario } from '../../sim-core/index';

/** Cases per property: 200 in CI, 2,000 in `npm run test:deep`. */
export const numRuns = Number(process.env.BROKERLAB_DEEP ? 2000 : 200);

/** Validates a generated scenario; a generator bug fails loudly with the scenario. */
export function valid(raw: unknown): Scenario {
  const v = validateScenario(raw);
  if (!v.ok)
    throw new Error(
      `generator made an invalid scenario: ${JSON.stringify(v.errors)}\n${JSON.stringify(raw)}`,
    );
  return v.scenario;
}

/** Validates and runs a generated scenario to the end. */
export const runRaw = (raw: unknown): Report =>
  new Simulation(valid(raw), { checkInvariants: true }).run();

/** The message a failing assertion prints: the scenario, seed included, that reproduces it. */
export const why = (raw: unknown): string => `reproduce with scenario=${JSON.stringify(raw)}`;
