// Runs a sweep's or compare's jobs on the worker pool from the command line: progress on a
// terminal, Ctrl-C stops the workers and keeps what finished (the caller then exits 130), and
// the options every such command shares (--seeds, --workers, --worker-memory) are checked here.

import { availableParallelism, totalmem } from 'node:os';
import { runPool } from '../harness/pool';
import type { PoolResult } from '../harness/pool';
import type { RunJob } from '../harness/run-job';
import { RunProgress } from '../harness/run-progress';
import { UsageError } from './errors';
import { parseDuration } from '../../sim-core/index';
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_WALL_MS } from '../harness/run-budgets';
import type { RunBudgets } from '../harness/run-budgets';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** Seeds per point when --seeds is not given: enough for a t interval that means something. */
export const DEFAULT_SEEDS = 5;

export interface PoolSettings {
  workers: number;
  memoryMb: number;
}

function integerOption(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max)
    throw new UsageError([`${name}: must be an integer from ${min} to ${max} (got "${text}")`]);
  return n;
}

export function parseSeeds(text: string | undefined): number {
  return text === undefined ? DEFAULT_SEEDS : integerOption('--seeds', text, 1, 10_000);
}

/** --workers (default: one per core) and --worker-memory (default: half the RAM, shared). */
export function parsePoolSettings(workers?: string, memory?: string): PoolSettings {
  const n =
    workers === undefined ? availableParallelism() : integerOption('--workers', workers, 1, 256);
  const share = Math.floor(((totalmem() / 2 ** 20) * 0.5) / n);
  const memoryMb =
    memory === undefined
      ? Math.max(256, Math.min(4096, share))
      : integerOption('--worker-memory', memory, 32, 1 << 20);
  return { workers: n, memoryMb };
}

/** --max-memory MB for `run` (default 4096). */
export function parseMaxMemory(text: string | undefined): number {
  return text === undefined
    ? DEFAULT_MAX_MEMORY_MB
    : integerOption('--max-memory', text, 32, 1 << 20);
}

/** Each worker's run: --max-wall, and its share of memory (--worker-memory). */
export function jobBudgets(maxWall: string | undefined, settings: PoolSettings): RunBudgets {
  return {
    maxWallMs: parseMaxWall(maxWall),
    maxMemoryMb: settings.memoryMb,
    memoryFlag: '--worker-memory MB',
  };
}

/** The options sweep and compare share. */
export interface HarnessOptions {
  seeds?: string;
  seed?: number;
  workers?: string;
  workerMemory?: string;
  duration?: string;
  out?: string;
  /** --max-wall: wall-clock budget per run. */
  maxWall?: string;
}

/** --max-wall D: a duration (`90s`, `30m`, or ms); default 10 minutes. */
export function parseMaxWall(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_WALL_MS;
  const n = Number(text);
  const ms = text.trim() !== '' && Number.isFinite(n) ? n : parseDuration(text);
  if (ms === null || !(ms > 0))
    throw new UsageError([
      `--max-wall: must be a positive duration such as 90s or 30m (got "${text}")`,
    ]);
  return ms;
}

/** The extension of --out, checked against what the command can write. */
export function outKind<T extends string>(file: string, kinds: readonly T[]): T {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext && (kinds as readonly string[]).includes(ext)) return ext as T;
  throw new UsageError([`--out: "${file}" must end in ${kinds.map((k) => `.${k}`).join(', ')}`]);
}

export async function runJobs(
  jobs: RunJob[],
  settings: PoolSettings,
  what: string,
): Promise<PoolResult> {
  const workers = Math.min(settings.workers, jobs.length);
  process.stderr.write(
    `${what}: ${jobs.length} runs on ${workers} worker${workers === 1 ? '' : 's'}\n`,
  );
  const abort = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ninterrupted: stopping the workers; the runs that finished are kept\n');
    abort.abort();
  };
  // once: a second Ctrl-C falls back to Node's default and ends the process at once.
  process.once('SIGINT', onSigint);
  const progress = new RunProgress(
    process.stderr.isTTY === true ? 'terminal' : 'slow-lines',
    jobs.length,
  );
  // For tests, whose stderr is not a terminal (so no bar): one line per finished run, so a test
  // can press Ctrl-C once a run has finished instead of after a guessed delay.
  const progressLines = process.env.BROKERLAB_TEST_PROGRESS === '1';
  const t0 = performance.now();
  try {
    const result = await runPool(jobs, {
      workers,
      memoryMb: settings.memoryMb,
      signal: abort.signal,
      onProgress: (p) => {
        progress.update(p);
        if (progressLines) process.stderr.write(`progress: ${p.done}/${p.total} runs\n`);
      },
    });
    progress.done();
    const finished = result.outcomes.filter((o) => o !== undefined).length;
    process.stderr.write(
      `${finished} of ${jobs.length} runs finished in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    return result;
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}
