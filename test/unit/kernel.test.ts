// The simulation kernel (sim-core/kernel/kernel.ts): one integer clock, events handled in
// (time, insertion) order, run() stopping for a time, an empty heap, a step cap or a halt, and
// errors that say how to reproduce a bug or raise a budget. Each test pins exact orders, clock
// values and messages, so a change in any of them fails here.
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, InvariantError, Kernel } from '../../sim-core/index';
import type { Handler, KernelOptions } from '../../sim-core/index';

const OPTIONS: KernelOptions = {
  maxEvents: 1_000_000,
  maxSimTimeUs: 1e12,
  maxEventsAtInstant: 1_000_000,
  seed: 1234,
};

/** A handled event: the clock when it ran and its four integers. */
interface Seen {
  t: number;
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** A handler that records each event, then runs the reaction for its `a` (if any). */
function recorder(
  k: Kernel,
  react: Record<number, () => void> = {},
): Handler & { seen: Seen[]; ids: () => number[] } {
  const seen: Seen[] = [];
  return {
    seen,
    ids: () => seen.map((s) => s.a),
    handle(kind, a, b, c) {
      seen.push({ t: k.nowUs, kind, a, b, c });
      react[a]?.();
    },
  };
}

function kernel(options: Partial<KernelOptions> = {}): Kernel {
  return new Kernel({ ...OPTIONS, ...options });
}

/** Runs fn and returns what it threw (failing if it threw nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw, got none');
}

describe('Kernel.run', () => {
  it('handles events in (time, insertion) order, with their payloads and the clock at their time', () => {
    const k = kernel();
    // id: time — scheduled out of order, with ties at 20 and 5.
    const schedule: Array<[number, number]> = [
      [1, 20],
      [2, 5],
      [3, 20],
      [4, 0],
      [5, 5],
      [6, 20],
      [7, 3],
    ];
    for (const [id, t] of schedule) k.at(t, 10 + id, id, -id, id * 100);
    const h = recorder(k);
    expect(k.run(h, Infinity, Infinity)).toBe('idle');
    expect(h.ids()).toEqual([4, 7, 2, 5, 1, 3, 6]);
    expect(h.seen.map((s) => s.t)).toEqual([0, 3, 5, 5, 20, 20, 20]);
    expect(h.seen[0]).toEqual({ t: 0, kind: 14, a: 4, b: -4, c: 400 });
    expect(h.seen[4]).toEqual({ t: 20, kind: 11, a: 1, b: -1, c: 100 });
    expect(k.events).toBe(7);
  });

  it("returns 'time' when the next event is after untilUs, with the clock at untilUs exactly", () => {
    const k = kernel();
    k.at(10, 1, 1, 0, 0);
    k.at(20, 1, 2, 0, 0);
    k.at(30, 1, 3, 0, 0);
    const h = recorder(k);
    expect(k.run(h, 25, Infinity)).toBe('time');
    expect(h.ids()).toEqual([1, 2]);
    expect(k.nowUs).toBe(25);
    expect(k.heap.length).toBe(1);
    // untilUs is inclusive: an event at exactly untilUs runs.
    expect(k.run(h, 30, Infinity)).toBe('idle');
    expect(h.ids()).toEqual([1, 2, 3]);
    expect(k.nowUs).toBe(30);
  });

  it('never moves the clock backwards when untilUs is before now', () => {
    const k = kernel();
    k.at(10, 1, 1, 0, 0);
    k.at(100, 1, 2, 0, 0);
    const h = recorder(k);
    expect(k.run(h, 50, Infinity)).toBe('time');
    expect(k.nowUs).toBe(50);
    expect(k.run(h, 20, Infinity)).toBe('time');
    expect(k.nowUs).toBe(50);
    expect(k.run(h, 50, Infinity)).toBe('time');
    expect(k.nowUs).toBe(50);
    expect(h.ids()).toEqual([1]);
  });

  it("returns 'idle' when the heap is empty, leaving the clock at the last event", () => {
    const k = kernel();
    const h = recorder(k);
    expect(k.run(h, 1000, Infinity)).toBe('idle');
    expect(k.nowUs).toBe(0);
    expect(k.events).toBe(0);
    k.at(40, 1, 1, 0, 0);
    expect(k.run(h, 1000, Infinity)).toBe('idle');
    expect(k.nowUs).toBe(40);
    expect(h.ids()).toEqual([1]);
  });

  it("returns 'steps' after maxSteps events and resumes exactly where it stopped", () => {
    const k = kernel();
    for (let id = 1; id <= 5; id++) k.at(id === 3 || id === 4 ? 7 : id * 10, 1, id, 0, 0);
    // Order: 3 and 4 at 7, then 1 at 10, 2 at 20, 5 at 50.
    const h = recorder(k);
    expect(k.run(h, Infinity, 2)).toBe('steps');
    expect(h.ids()).toEqual([3, 4]);
    expect(k.nowUs).toBe(7);
    expect(k.events).toBe(2);
    expect(k.run(h, Infinity, 0)).toBe('steps');
    expect(h.ids()).toEqual([3, 4]);
    expect(k.run(h, Infinity, 2)).toBe('steps');
    expect(h.ids()).toEqual([3, 4, 1, 2]);
    expect(k.nowUs).toBe(20);
    expect(k.run(h, Infinity, 2)).toBe('idle');
    expect(h.ids()).toEqual([3, 4, 1, 2, 5]);
    expect(k.events).toBe(5);
  });

  it("returns 'halted' when the handler sets halted, leaving the rest scheduled", () => {
    const k = kernel();
    for (let id = 1; id <= 4; id++) k.at(id, 1, id, 0, 0);
    const h = recorder(k, { 2: () => (k.halted = true) });
    expect(k.run(h, Infinity, Infinity)).toBe('halted');
    expect(h.ids()).toEqual([1, 2]);
    expect(k.nowUs).toBe(2);
    expect(k.events).toBe(2);
    expect(k.heap.length).toBe(2);
    // A halted kernel handles nothing more, even with events due.
    expect(k.run(h, Infinity, Infinity)).toBe('halted');
    expect(h.ids()).toEqual([1, 2]);
    expect(k.heap.length).toBe(2);
  });

  it('counts handled events in events, across calls', () => {
    const k = kernel();
    for (let id = 1; id <= 6; id++) k.at(id * 10, 1, id, 0, 0);
    const h = recorder(k);
    k.run(h, 25, Infinity);
    expect(k.events).toBe(2);
    k.run(h, Infinity, 3);
    expect(k.events).toBe(5);
    k.run(h, Infinity, Infinity);
    expect(k.events).toBe(6);
    expect(k.events).toBe(h.seen.length);
  });
});

describe('Kernel scheduling', () => {
  it('after(0, …) from a handler runs at the same time, after the events already due then', () => {
    const k = kernel();
    k.at(50, 1, 1, 0, 0);
    k.at(50, 1, 2, 0, 0);
    k.at(60, 1, 3, 0, 0);
    const h = recorder(k, {
      1: () => k.after(0, 1, 10, 0, 0),
      10: () => k.after(0, 1, 11, 0, 0),
      2: () => k.after(5, 1, 12, 0, 0),
    });
    expect(k.run(h, Infinity, Infinity)).toBe('idle');
    expect(h.ids()).toEqual([1, 2, 10, 11, 12, 3]);
    expect(h.seen.map((s) => s.t)).toEqual([50, 50, 50, 50, 55, 60]);
  });

  it('refuses an event in the past with an InvariantError carrying seed, time and event number', () => {
    const k = kernel({ seed: 987 });
    k.at(2500, 7, 1, 0, 0);
    k.at(3000, 7, 2, 0, 0);
    let error: Error | undefined;
    const h = recorder(k, {
      2: () => {
        error = thrown(() => k.at(2999, 9, 3, 0, 0));
        throw error;
      },
    });
    expect(thrown(() => k.run(h, Infinity, Infinity))).toBe(error);
    expect(error).toBeInstanceOf(InvariantError);
    expect(error!.name).toBe('InvariantError');
    expect(error!.message).toBe(
      'invariant violated: task 9 scheduled at 2999 µs, before now (3000 µs) (reproduce with seed=987, at t=3 ms, event #2)',
    );
    // Not clamped: nothing was scheduled.
    expect(k.heap.length).toBe(0);
    expect(h.ids()).toEqual([1, 2]);
  });

  it('refuses a negative delay and a NaN time the same way, scheduling nothing', () => {
    const k = kernel({ seed: 5 });
    k.at(1500, 1, 1, 0, 0);
    k.run(recorder(k), Infinity, Infinity);
    const negative = thrown(() => k.after(-1, 4, 0, 0, 0));
    expect(negative).toBeInstanceOf(InvariantError);
    expect(negative.message).toBe(
      'invariant violated: task 4 scheduled at 1499 µs, before now (1500 µs) (reproduce with seed=5, at t=1.5 ms, event #1)',
    );
    const nan = thrown(() => k.at(NaN, 6, 0, 0, 0));
    expect(nan).toBeInstanceOf(InvariantError);
    expect(nan.message).toBe(
      'invariant violated: task 6 scheduled at NaN µs, before now (1500 µs) (reproduce with seed=5, at t=1.5 ms, event #1)',
    );
    expect(thrown(() => k.after(NaN, 6, 0, 0, 0))).toBeInstanceOf(InvariantError);
    expect(k.heap.length).toBe(0);
    // Before any event, "now" is 0.
    const fresh = kernel({ seed: 5 });
    expect(thrown(() => fresh.at(-3, 2, 0, 0, 0)).message).toBe(
      'invariant violated: task 2 scheduled at -3 µs, before now (0 µs) (reproduce with seed=5, at t=0 ms, event #0)',
    );
  });

  it('invariant() builds the same reproduction recipe for the model', () => {
    const k = kernel({ seed: 42 });
    k.at(1234, 1, 1, 0, 0);
    k.run(recorder(k), Infinity, Infinity);
    const e = k.invariant('a broken book');
    expect(e).toBeInstanceOf(InvariantError);
    expect(e.message).toBe(
      'invariant violated: a broken book (reproduce with seed=42, at t=1.234 ms, event #1)',
    );
  });
});

describe('Kernel budgets', () => {
  it('runs exactly maxEvents events without complaint', () => {
    const k = kernel({ maxEvents: 3 });
    for (let id = 1; id <= 3; id++) k.at(id * 10, 1, id, 0, 0);
    const h = recorder(k);
    expect(k.run(h, Infinity, Infinity)).toBe('idle');
    expect(k.events).toBe(3);
  });

  it('throws BudgetExceededError naming maxEvents and --max-events at the first event beyond it', () => {
    const k = kernel({ maxEvents: 3 });
    for (let id = 1; id <= 5; id++) k.at(id * 10, 1, id, 0, 0);
    const h = recorder(k);
    const e = thrown(() => k.run(h, Infinity, Infinity));
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect(e.name).toBe('BudgetExceededError');
    expect((e as BudgetExceededError).budget).toBe('maxEvents');
    expect(e.message).toBe(
      'budget maxEvents (3 events) exceeded: at simulated time 0.04 ms; raise it with --max-events N or limits.maxEvents in the scenario',
    );
    // The fourth event was not handled, and the books stay at the last event that ran.
    expect(h.ids()).toEqual([1, 2, 3]);
    expect(k.events).toBe(3);
    expect(k.nowUs).toBe(30);
  });

  it('throws BudgetExceededError naming maxSimTime and --max-sim-time at the first event beyond it', () => {
    const k = kernel({ maxSimTimeUs: 30_000 });
    k.at(10_000, 1, 1, 0, 0);
    k.at(30_000, 1, 2, 0, 0); // at the limit: still runs
    k.at(30_001, 1, 3, 0, 0);
    k.at(40_000, 1, 4, 0, 0);
    const h = recorder(k);
    // A run that stops before the first event beyond the budget does not trip it.
    expect(k.run(h, 30_000, Infinity)).toBe('time');
    expect(h.ids()).toEqual([1, 2]);
    const e = thrown(() => k.run(h, Infinity, Infinity));
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect((e as BudgetExceededError).budget).toBe('maxSimTime');
    expect(e.message).toBe(
      'budget maxSimTime (30 ms) exceeded: the run was still going at 30.001 ms of simulated time; raise it with --max-sim-time D or limits.maxSimTime in the scenario',
    );
    // Nothing beyond the budget ran, and the clock did not pass it.
    expect(h.ids()).toEqual([1, 2]);
    expect(k.nowUs).toBe(30_000);
    expect(k.events).toBe(2);
    expect(k.heap.length).toBe(2);
  });

  it('throws BudgetExceededError naming maxEventsAtInstant when time stands still for too long', () => {
    const k = kernel({ maxEventsAtInstant: 3 });
    // Three events at 0 and three at 7 are fine; a handler that reschedules itself with no delay is not.
    for (const t of [0, 0, 0, 7, 7, 7]) k.at(t, 1, 1, 0, 0);
    const h = recorder(k);
    expect(k.run(h, 7, Infinity)).toBe('idle');
    expect(h.seen.length).toBe(6);
    const loop = recorder(k, { 2: () => k.after(0, 1, 2, 0, 0) });
    k.at(9, 1, 2, 0, 0);
    const e = thrown(() => k.run(loop, Infinity, Infinity));
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect((e as BudgetExceededError).budget).toBe('maxEventsAtInstant');
    expect(e.message).toMatch(
      /^budget maxEventsAtInstant \(3 events\) exceeded: simulated time stood still at 0\.009 ms: .*; raise it with limits\.maxEventsAtInstant in the scenario$/,
    );
    expect(loop.seen.length).toBe(3);
  });
});
