// The simulation kernel: one integer clock (µs), one event heap ordered by (time, sequence), and
// a run loop with budgets. It knows nothing of brokers: events are (kind, a, b, c) integers that
// a Handler interprets. Scheduling in the past is a bug in the model, never silently clamped.

import { EventHeap } from './event-heap';
import { BudgetExceededError, InvariantError } from './errors';

/** Interprets scheduled events. Implemented by the broker model. */
export interface Handler {
  handle(kind: number, a: number, b: number, c: number): void;
}

export interface KernelOptions {
  maxEvents: number;
  maxSimTimeUs: number;
  /** Events at one instant; more means a zero-time loop, which would never end. */
  maxEventsAtInstant: number;
  /** For the reproduction recipe of an invariant error. */
  seed: number;
}

/** Why run() returned: the time was reached, nothing is left, the step cap, or the model halted. */
export type StopReason = 'time' | 'idle' | 'steps' | 'halted';

export class Kernel {
  nowUs = 0;
  /** Events handled so far. */
  events = 0;
  readonly heap = new EventHeap();
  /** Set by the model to end the run early (e.g. drained). */
  halted = false;
  /** Events handled at the current instant so far. */
  private atInstant = 0;

  constructor(private readonly options: KernelOptions) {}

  /** Schedules an event at an absolute time, which must not be in the past. */
  at(timeUs: number, kind: number, a: number, b: number, c: number): void {
    if (!(timeUs >= this.nowUs)) throw this.pastError(timeUs, kind);
    this.heap.push(timeUs, kind, a, b, c);
  }

  /** Schedules an event after a delay (≥ 0). */
  after(delayUs: number, kind: number, a: number, b: number, c: number): void {
    this.at(this.nowUs + delayUs, kind, a, b, c);
  }

  /**
   * Handles events in order until the next one is later than untilUs (the clock then stands at
   * untilUs), the heap is empty, the model halts, or maxSteps events have been handled.
   */
  run(handler: Handler, untilUs: number, maxSteps: number): StopReason {
    const heap = this.heap;
    const maxEvents = this.options.maxEvents;
    let steps = 0;
    while (!this.halted) {
      if (heap.length === 0) return 'idle';
      const t = heap.peekTime();
      if (t > untilUs) {
        if (untilUs > this.nowUs) this.nowUs = untilUs;
        return 'time';
      }
      if (steps >= maxSteps) return 'steps';
      if (t > this.options.maxSimTimeUs) this.overTime(t);
      if (this.events >= maxEvents) this.overEvents(t); // the books stay at the last event run
      if (t !== this.nowUs) this.atInstant = 1;
      else if (++this.atInstant > this.options.maxEventsAtInstant) this.overInstant(t);
      const slot = heap.pop();
      this.nowUs = t;
      this.events++;
      steps++;
      handler.handle(heap.kind[slot], heap.argA[slot], heap.argB[slot], heap.argC[slot]);
    }
    return 'halted';
  }

  /** An invariant error with this run's reproduction recipe. */
  invariant(message: string): InvariantError {
    return new InvariantError(message, this.options.seed, this.nowUs, this.events);
  }

  private pastError(timeUs: number, kind: number): InvariantError {
    return this.invariant(`task ${kind} scheduled at ${timeUs} µs, before now (${this.nowUs} µs)`);
  }

  private overEvents(t: number): never {
    throw new BudgetExceededError(
      'maxEvents',
      `${this.options.maxEvents} events`,
      `at simulated time ${t / 1000} ms`,
    );
  }

  private overInstant(t: number): never {
    throw new BudgetExceededError(
      'maxEventsAtInstant',
      `${this.options.maxEventsAtInstant} events`,
      `simulated time stood still at ${t / 1000} ms: a loop that takes no time (a message failing for ever with zero service time and zero network latency?)`,
    );
  }

  private overTime(t: number): never {
    throw new BudgetExceededError(
      'maxSimTime',
      `${this.options.maxSimTimeUs / 1000} ms`,
      `the run was still going at ${t / 1000} ms of simulated time`,
    );
  }
}
