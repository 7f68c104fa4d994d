// The wall-clock and memory budgets of a run (Node side only: the engine itself never reads a
// clock). A run advances in slices of events; between slices the budgets are checked and
// progress reported.

import type { Simulation } from '../../sim-core/index';

/** Events per slice: small enough to check the clock often, big enough to cost nothing. */
const SLICE_EVENTS = 250_000;

/** Default wall-clock budget of one run: 10 minutes. */
export const DEFAULT_MAX_WALL_MS = 600_000;

/** Default memory budget of one run: 4 GiB. */
export const DEFAULT_MAX_MEMORY_MB = 4096;

export interface RunBudgets {
  maxWallMs: number;
  /** This thread's JavaScript heap plus its typed arrays (the engine's message store). */
  maxMemoryMb: number;
  /** How to raise the memory budget, for the message: `--max-memory MB` or `--worker-memory MB`. */
  memoryFlag: string;
}

/** MiB this thread holds: its V8 heap and the memory outside it bound to it (typed arrays). */
function threadMemoryMb(): number {
  const u = process.memoryUsage();
  return (u.heapUsed + u.external) / 2 ** 20;
}

/** The budgets of a run nobody set any for (tests, tools). */
export const DEFAULT_BUDGETS: RunBudgets = {
  maxWallMs: DEFAULT_MAX_WALL_MS,
  maxMemoryMb: DEFAULT_MAX_MEMORY_MB,
  memoryFlag: '--max-memory MB',
};

/** A run stopped because it took more wall time or memory than its budget. */
export class ResourceBudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceBudgetError';
  }
}

/** "12.3 s of 60.0 s simulated" or "12.3 s simulated". */
export function simulatedSoFar(sim: Simulation): string {
  const now = (sim.nowUs / 1e6).toPrecision(3);
  return sim.endUs < Infinity
    ? `${now} s of ${(sim.endUs / 1e6).toPrecision(3)} s simulated`
    : `${now} s simulated`;
}

function wallWords(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

/**
 * Runs sim to its end unless that takes more wall time or memory than its budgets; calls onSlice
 * between slices. Returns the wall ms the run took.
 */
export function advanceToEnd(sim: Simulation, budgets: RunBudgets, onSlice?: () => void): number {
  const t0 = performance.now();
  while (!sim.advance(Infinity, SLICE_EVENTS)) {
    const ms = performance.now() - t0;
    const where = () =>
      `${simulatedSoFar(sim)}, ${sim.events.toLocaleString('en-US')} events, after ${(ms / 1000).toFixed(1)} s of wall time`;
    if (ms > budgets.maxWallMs)
      throw new ResourceBudgetError(
        `budget maxWall (${wallWords(budgets.maxWallMs)}) exceeded: ${where()}; raise it with --max-wall D (e.g. --max-wall 30m)`,
      );
    const mb = threadMemoryMb();
    if (mb > budgets.maxMemoryMb)
      throw new ResourceBudgetError(
        `out of memory: budget maxMemory (${budgets.maxMemoryMb} MB) exceeded, ${Math.round(mb)} MB in use: ${where()}; raise it with ${budgets.memoryFlag}`,
      );
    onSlice?.();
  }
  return performance.now() - t0;
}
