// The parameter grid: the cartesian product of the varied values, first --vary outermost, so
// point indices read like nested loops; and the seeds every point runs with.

import { UsageError } from '../cli/errors';

/** Every combination of one value per axis, in row-major order (the last axis varies fastest). */
export function cartesian<T>(axes: ReadonlyArray<readonly T[]>): T[][] {
  let out: T[][] = [[]];
  for (const values of axes) out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  return out;
}

/** The number of combinations, without building them (to refuse a huge grid up front). */
export function gridSize(axes: ReadonlyArray<readonly unknown[]>): number {
  return axes.reduce((n, values) => n * values.length, 1);
}

/**
 * The seeds of a sweep or compare: K consecutive seeds from `first` (the --seed option, or the
 * scenario's own seed). Every point, and both sides of a compare, run on the same seeds, so
 * differences come from the parameters, not from the dice (common random numbers).
 */
export function seedList(first: number, count: number): number[] {
  if (!Number.isSafeInteger(first + count - 1))
    throw new UsageError([
      `--seed: ${first} + ${count - 1} seeds goes past ${Number.MAX_SAFE_INTEGER}`,
    ]);
  return Array.from({ length: count }, (_, i) => first + i);
}
