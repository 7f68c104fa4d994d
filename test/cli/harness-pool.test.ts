// The worker pool with real worker threads: the same results whatever the worker count, a
// crashing worker fails only its run (and is replaced), and aborting keeps what finished.
// The threads run the built worker (out/cli/sweep-worker.mjs, made by the globalSetup), hence
// test/cli/ rather than test/unit/.
import { afterEach, describe, expect, it } from 'vitest';
import { runPool } from '../../bench/harness/pool';
import type { PoolProgress } from '../../bench/harness/pool';
import { ScenarioSchema } from '../../bench/harness/scenario-schema';
import { sweepJson } from '../../bench/harness/sweep-output';
import { planSweep, sweepJobs } from '../../bench/harness/sweep-plan';
import { sweepResults } from '../../bench/harness/sweep-results';
import { parseAxes } from '../../bench/harness/vary';
import { TINY } from '../unit/harness-fixtures';

const schema = new ScenarioSchema();
const axes = parseAxes(schema, TINY, ['consumers.w.prefetch=1,4,16']);
const PLAN = planSweep({ file: 'tiny.json', raw: TINY, axes, seeds: 4 });
const JOBS = sweepJobs(PLAN);
const MEMORY_MB = 256;

async function sweepWith(workers: number): Promise<string> {
  const { outcomes, interrupted } = await runPool(JOBS, { workers, memoryMb: MEMORY_MB });
  expect(interrupted).toBe(false);
  return sweepJson(sweepResults(PLAN, outcomes, true));
}

afterEach(() => {
  delete process.env.BROKERLAB_TEST_WORKER_FAULT;
});

describe('runPool', () => {
  it('gives byte-identical results with 1, 2 and 3 workers', async () => {
    const [one, two, three] = await Promise.all([sweepWith(1), sweepWith(2), sweepWith(3)]);
    expect(JSON.parse(one).runs).toHaveLength(12);
    expect(two).toBe(one);
    expect(three).toBe(one);
  });

  // A small heap limit makes the out-of-memory case quick (V8 thrashes near a big one first).
  it.each([
    ['throw', MEMORY_MB, /worker crashed: injected test fault at seed 8/],
    ['exit', MEMORY_MB, /worker crashed: the worker thread exited with code 3/],
    ['oom', 48, /worker crashed: the run ran out of memory \(heap limit 48 MB per worker/],
  ])(
    'fails only the runs whose worker died (%s), replaces the worker and finishes the rest',
    async (kind, memoryMb, error) => {
      // Workers copy the environment when they start: set the failpoint first.
      process.env.BROKERLAB_TEST_WORKER_FAULT = `${kind}@8`;
      const progress: PoolProgress[] = [];
      const { outcomes } = await runPool(JOBS, {
        workers: 2,
        memoryMb,
        onProgress: (p) => progress.push(p),
      });
      const failed = outcomes.filter((o) => o && !o.ok);
      expect(failed.map((o) => o!.index)).toEqual([1, 5, 9]); // seed 8 at each of the 3 points
      for (const f of failed) expect(!f!.ok && f!.error).toMatch(error);
      expect(outcomes.filter((o) => o?.ok)).toHaveLength(9);
      expect(progress.at(-1)).toEqual({ done: 12, failed: 3, total: 12 });
    },
    60_000,
  );

  it('stops on abort and keeps the outcomes that finished', async () => {
    const abort = new AbortController();
    const { outcomes, interrupted } = await runPool(JOBS, {
      workers: 1,
      memoryMb: MEMORY_MB,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done === 3) abort.abort();
      },
    });
    expect(interrupted).toBe(true);
    expect(outcomes.slice(0, 3).every((o) => o?.ok)).toBe(true);
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(3);
  });

  it('finishes at once with nothing to do', async () => {
    expect(await runPool([], { workers: 2, memoryMb: MEMORY_MB })).toEqual({
      outcomes: [],
      interrupted: false,
    });
  });
});
