// Errors the engine raises on purpose. Each carries enough to reproduce or fix the run:
// a budget error names the budget and how to raise it; an invariant error carries seed and time.

export type BudgetName = 'maxEvents' | 'maxSimTime' | 'maxMessagesHeld' | 'maxEventsAtInstant';

const HOW_TO_RAISE: Record<BudgetName, string> = {
  maxEvents: 'raise it with --max-events N or limits.maxEvents in the scenario',
  maxSimTime: 'raise it with --max-sim-time D or limits.maxSimTime in the scenario',
  maxMessagesHeld: 'raise it with --max-messages N or limits.maxMessagesHeld in the scenario',
  maxEventsAtInstant: 'raise it with limits.maxEventsAtInstant in the scenario',
};

/** A run stopped because it would exceed one of its budgets. */
export class BudgetExceededError extends Error {
  readonly budget: BudgetName;
  constructor(budget: BudgetName, limit: string, detail: string) {
    super(`budget ${budget} (${limit}) exceeded: ${detail}; ${HOW_TO_RAISE[budget]}`);
    this.name = 'BudgetExceededError';
    this.budget = budget;
  }
}

/** An engine invariant broke: a bug. The message is a reproduction recipe. */
export class InvariantError extends Error {
  constructor(message: string, seed: number, timeUs: number, events: number) {
    super(
      `invariant violated: ${message} (reproduce with seed=${seed}, at t=${timeUs / 1000} ms, event #${events})`,
    );
    this.name = 'InvariantError';
  }
}
