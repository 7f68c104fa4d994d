// The sweep grid: the cartesian product of the varied values in nested-loop order, the seeds,
// and the plan that checks every point before anything runs.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { UsageError } from '../../bench/cli/errors';
import { cartesian, gridSize, seedList } from '../../bench/harness/grid';
import { ScenarioSchema } from '../../bench/harness/scenario-schema';
import { planSweep, sweepJobs } from '../../bench/harness/sweep-plan';
import { parseAxes } from '../../bench/harness/vary';
import { TINY } from './harness-fixtures';

describe('cartesian', () => {
  it('runs like nested loops: the first axis outermost, the last fastest', () => {
    expect(
      cartesian<number | string>([
        [1, 2],
        ['a', 'b', 'c'],
      ]),
    ).toEqual([
      [1, 'a'],
      [1, 'b'],
      [1, 'c'],
      [2, 'a'],
      [2, 'b'],
      [2, 'c'],
    ]);
  });

  it('has one empty combination for no axes and none when an axis is empty', () => {
    expect(cartesian([])).toEqual([[]]);
    expect(cartesian([[1], []])).toEqual([]);
  });

  const axes = fc.array(fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 5 }), {
    maxLength: 4,
  });

  test.prop([axes])('lists every combination exactly once, at its mixed-radix index', (xs) => {
    const grid = cartesian(xs);
    expect(grid.length).toBe(gridSize(xs));
    expect(new Set(grid.map((g) => JSON.stringify(g))).size).toBe(grid.length);
    grid.forEach((combo, index) => {
      let rest = index;
      for (let i = xs.length - 1; i >= 0; i--) {
        expect(combo[i]).toBe(xs[i][rest % xs[i].length]);
        rest = Math.floor(rest / xs[i].length);
      }
    });
  });
});

describe('seedList', () => {
  it('counts up from the first seed', () => {
    expect(seedList(42, 3)).toEqual([42, 43, 44]);
    expect(seedList(0, 1)).toEqual([0]);
  });
});

describe('planSweep', () => {
  const schema = new ScenarioSchema();
  const plan = (vary: string[], seeds = 2, seed?: number) =>
    planSweep({ file: 'tiny.json', raw: TINY, axes: parseAxes(schema, TINY, vary), seeds, seed });

  it('builds one validated scenario per point and the same seeds for all', () => {
    const p = plan(['consumers.w.prefetch=1,10', 'producers.web.rate.perSecond=100,200,300']);
    expect(p.points).toHaveLength(6);
    expect(p.points[4].values).toEqual([10, 200]);
    expect(p.points[4].scenario.consumers[0].prefetch).toBe(10);
    expect(p.points[4].scenario.producers[0].rate).toEqual({ kind: 'poisson', perSecond: 200 });
    expect(p.seeds).toEqual([7, 8]);
    expect(plan(['duration=1s'], 3, 100).seeds).toEqual([100, 101, 102]);
  });

  it('orders the runs point-major, seed-minor', () => {
    const jobs = sweepJobs(plan(['consumers.w.prefetch=1,2,3'], 2));
    expect(jobs.map((j) => [j.index, j.scenario.consumers[0].prefetch, j.seed])).toEqual([
      [0, 1, 7],
      [1, 1, 8],
      [2, 2, 7],
      [3, 2, 8],
      [4, 3, 7],
      [5, 3, 8],
    ]);
  });

  it('refuses bad values before running anything, pinning each on its --vary', () => {
    let error: unknown;
    try {
      plan(['consumers.w.prefetch=0,1,x', 'duration=abc,1s']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).lines).toEqual([
      expect.stringMatching(/^duration: .*not a duration.* \(--vary duration=abc\)$/),
      'consumers[0].prefetch: must be between 1 and 2147483647 (--vary consumers.w.prefetch=0)',
      expect.stringMatching(
        /^consumers\[0\].prefetch: must be an integer .*\(--vary consumers.w.prefetch=x\)$/,
      ),
    ]);
  });

  it('names the point (and how many share the problem) when fields clash', () => {
    const raw = { ...TINY, warmup: 600 };
    const axes = parseAxes(schema, raw, ['duration=500,2s', 'consumers.w.prefetch=1,2']);
    expect(() => planSweep({ file: 'tiny.json', raw, axes, seeds: 1 })).toThrow(
      'warmup: must be less than duration (500 ms) (with duration=500, consumers.w.prefetch=1 and 1 more point)',
    );
    const every = parseAxes(schema, raw, ['duration=300,500']);
    expect(() => planSweep({ file: 'tiny.json', raw, axes: every, seeds: 1 })).toThrow(
      /warmup: must be less than duration \(300 ms\) \(with duration=300\)/,
    );
  });

  it('refuses a grid beyond the run limit', () => {
    const many = Array.from({ length: 400 }, (_, i) => i + 1).join(',');
    expect(() =>
      plan([`consumers.w.prefetch=${many}`, `consumers.w.instances=${many}`], 1),
    ).toThrow(/160,000 runs .* is more than 100,000/);
  });
});
