// A failpoint for the pool's crash handling, off unless BROKERLAB_TEST_WORKER_FAULT is set:
// `throw@SEED` (uncaught error), `exit@SEED` (the thread exits) or `oom@SEED` (heap exhausted)
// kills the worker that is about to run that seed, the way a real bug or a huge run would.

const SPEC = /^(throw|exit|oom)@(\d+)$/;

export function injectTestFault(seed: number): void {
  const spec = process.env.BROKERLAB_TEST_WORKER_FAULT;
  if (!spec) return;
  const match = SPEC.exec(spec);
  if (!match || Number(match[2]) !== seed) return;
  if (match[1] === 'throw') throw new Error(`injected test fault at seed ${seed}`);
  if (match[1] === 'exit') process.exit(3);
  // Keep everything reachable until the heap limit (resourceLimits) ends the thread.
  const hog: number[][] = [];
  for (;;) hog.push(Array.from({ length: 100_000 }, (_, i) => i + hog.length));
}
