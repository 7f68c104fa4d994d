// Runs jobs on worker threads, one job at a time per worker. Results land by job position, so
// the output is the same whatever the worker count or completion order. A worker that dies
// (uncaught error, heap limit, exit) fails the job it held and is replaced; aborting stops all.

import { Worker } from 'node:worker_threads';
import { RunError } from '../cli/errors';
import { builtEntry } from './built';
import type { RunJob, RunOutcome } from './run-job';
import type { WorkerMessage } from './worker-main';

export interface PoolProgress {
  done: number;
  failed: number;
  total: number;
}

export interface PoolOptions {
  workers: number;
  /** Heap limit per worker (V8 old generation); a run that needs more fails alone. */
  memoryMb: number;
  /** Aborting terminates every worker; finished outcomes are kept. */
  signal?: AbortSignal;
  onProgress?: (p: PoolProgress) => void;
}

export interface PoolResult {
  /** By job position; undefined for jobs that never finished (interrupted). */
  outcomes: Array<RunOutcome | undefined>;
  interrupted: boolean;
}

interface Slot {
  worker: Worker;
  /** Position of the job it is running, or null when idle. */
  job: number | null;
  ready: boolean;
  retired: boolean;
}

/** One line for a dead worker; a worker may throw anything, not only an Error. */
function describeCrash(err: unknown, memoryMb: number): string {
  if ((err as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return `the run ran out of memory (heap limit ${memoryMb} MB per worker; raise it with --worker-memory)`;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

export function runPool(jobs: readonly RunJob[], opts: PoolOptions): Promise<PoolResult> {
  return new Promise((resolve, reject) => {
    const outcomes: Array<RunOutcome | undefined> = new Array(jobs.length);
    const slots = new Set<Slot>();
    let next = 0;
    let done = 0;
    let failed = 0;
    let finished = false;
    // The built worker (plain JS: it starts fast, and Node 20 cannot start a .ts worker);
    // a missing build rejects here with how to make it.
    const workerUrl = builtEntry('sweep-worker.mjs');

    const stopAll = () => {
      for (const slot of slots) {
        slot.retired = true;
        void slot.worker.terminate();
      }
      slots.clear();
    };
    const onAbort = () => finish(true);
    const finish = (interrupted: boolean) => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      stopAll();
      resolve({ outcomes, interrupted });
    };
    const settle = (position: number, outcome: RunOutcome) => {
      outcomes[position] = outcome;
      done++;
      if (!outcome.ok) failed++;
      opts.onProgress?.({ done, failed, total: jobs.length });
      if (done === jobs.length) finish(false);
    };
    const feed = (slot: Slot) => {
      if (finished) return;
      if (next >= jobs.length) {
        retire(slot); // nothing left for it: let the process wind down sooner
        return;
      }
      slot.job = next++;
      slot.worker.postMessage(jobs[slot.job]);
    };
    const retire = (slot: Slot) => {
      slot.retired = true;
      slots.delete(slot);
      void slot.worker.terminate();
    };
    const crashed = (slot: Slot, why: string) => {
      if (slot.retired || finished) return;
      retire(slot);
      if (!slot.ready) {
        // Not one job ran: the worker itself cannot start, and a new one would fail the same way.
        finished = true;
        opts.signal?.removeEventListener('abort', onAbort);
        stopAll();
        reject(new RunError(`cannot start a sweep worker: ${why}`));
        return;
      }
      if (slot.job !== null) {
        const job = jobs[slot.job];
        settle(slot.job, { index: job.index, ok: false, error: `worker crashed: ${why}` });
      }
      if (!finished && next < jobs.length) spawn();
    };
    const spawn = () => {
      const worker = new Worker(workerUrl, {
        resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb },
      });
      const slot: Slot = { worker, job: null, ready: false, retired: false };
      slots.add(slot);
      worker.on('message', (message: WorkerMessage) => {
        if (slot.retired || finished) return;
        if (message.type === 'ready') slot.ready = true;
        else if (slot.job !== null) {
          const position = slot.job;
          slot.job = null;
          settle(position, message.outcome);
        }
        feed(slot);
      });
      worker.on('error', (err: unknown) => crashed(slot, describeCrash(err, opts.memoryMb)));
      worker.on('exit', (code) => crashed(slot, `the worker thread exited with code ${code}`));
    };

    if (jobs.length === 0) {
      finish(false);
      return;
    }
    if (opts.signal?.aborted) {
      finish(true);
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    for (let i = 0; i < Math.min(opts.workers, jobs.length); i++) spawn();
  });
}
