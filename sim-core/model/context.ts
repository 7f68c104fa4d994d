// The narrow interface every behaviour module gets besides the plain state: the clock, the
// scheduler, the event stream and invariant checks. The engine implements it; modules never
// hold the engine, so they import each other in one direction only.

import type { InvariantError } from '../kernel/errors';
import type { EventKind } from './events';
import type { TaskKind } from './tasks';

export interface Ctx {
  /** Simulated time now, integer µs. */
  readonly nowUs: number;
  /** Whether invariant checks are on (tests and test:deep): a check that costs time asks first. */
  readonly checking: boolean;
  /** Schedules a task at an absolute time; a time in the past is an invariant error. */
  at(timeUs: number, task: TaskKind, a: number, b: number, c: number): void;
  /** Schedules a task after a delay (≥ 0). */
  after(delayUs: number, task: TaskKind, a: number, b: number, c: number): void;
  /** Runs a task now, inline: a hop with zero latency. */
  run(task: TaskKind, a: number, b: number, c: number): void;
  /** Announces an event about message slot s. */
  emit(kind: EventKind, s: number, where: number, aux: number): void;
  /** Announces an event about slot s that decides its copy's outcome. */
  emitOutcome(kind: EventKind, s: number, where: number, aux: number): void;
  /** Announces a processing completion (processed or reprocessed) with its latency facts. */
  emitProcessing(
    kind: EventKind,
    s: number,
    instance: number,
    consumer: number,
    queue: number,
    startUs: number,
    outcome: boolean,
  ): void;
  /** Announces an event about no message (crashes, confirms); `consumer` for an instance's. */
  emitPlain(kind: EventKind, where: number, aux: number, consumer: number): void;
  /** Announces a publisher confirm of producer's message `seq`, first sent at publishUs. */
  emitConfirmed(producer: number, seq: number, publishUs: number): void;
  /** Announces a request's settlement (replied, lateReply, replyTimedOut): no message slot. */
  emitReply(kind: EventKind, producer: number, seq: number, sentUs: number): void;
  /** Ends the run now (a drained run has nothing left to do). */
  halt(): void;
  /** An error carrying seed, time and event number: throw it when the model's books disagree. */
  invariant(message: string): InvariantError;
}
