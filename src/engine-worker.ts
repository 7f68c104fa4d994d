// The engine's browser home: a module Web Worker exposing the simulation through comlink, so the
// UI never runs the engine on the main thread. The lab (src/ UI) builds on this API.

import * as Comlink from 'comlink';
import { Simulation, NotRunnableError, BudgetExceededError } from '../sim-core/index';
import type { Report, ValidationError } from '../sim-core/index';
import { parseScenarioText, validateScenario } from '../sim-core/scenario';

export type RunResult = { ok: true; report: Report } | { ok: false; errors: ValidationError[] };

/** Parses, validates and runs a scenario text to the end: the same report as the CLI. */
function runScenarioText(text: string, fileName: string, seed?: number): RunResult {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const valid = validateScenario(parsed.value);
  if (!valid.ok) return { ok: false, errors: valid.errors };
  try {
    return { ok: true, report: new Simulation(valid.scenario, { seed }).run() };
  } catch (e) {
    if (e instanceof NotRunnableError) return { ok: false, errors: e.errors };
    if (e instanceof BudgetExceededError)
      return { ok: false, errors: [{ path: 'limits', message: e.message }] };
    throw e;
  }
}

const api = { runScenarioText };
export type EngineApi = typeof api;

Comlink.expose(api);
