// The sweep worker thread: announces it is ready, then runs one job per message and posts the
// outcome back. Built to out/cli/sweep-worker.mjs (bench/tools/build-cli.mjs), which the pool starts.

import { parentPort } from 'node:worker_threads';
import { runJob } from './run-job';
import type { RunJob } from './run-job';
import { injectTestFault } from './test-faults';

/** Messages from a worker to the pool. */
export type WorkerMessage =
  { type: 'ready' } | { type: 'outcome'; outcome: ReturnType<typeof runJob> };

const port = parentPort;
if (!port) throw new Error('worker-main.ts must run in a worker thread');

port.on('message', (job: RunJob) => {
  injectTestFault(job.seed);
  const message: WorkerMessage = { type: 'outcome', outcome: runJob(job) };
  port.postMessage(message);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
