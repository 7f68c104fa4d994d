// globalSetup: picks the fast-check seed for this run and prints it, so a property that fails in
// CI fails the same way locally at the same commit.
//   FC_SEED=N                  that seed (e.g. FC_SEED=123 npm run test:fast)
//   otherwise, normal runs     derived from the commit (git rev-parse HEAD), fixed per commit
//   otherwise, outside git     FALLBACK_SEED
//   otherwise, test:deep       none: fast-check picks a random seed per property (the seed is in
//                              each property's test name)
// test/setup/fast-check.ts hands it to fast-check in every test file.
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The seed for fc.configureGlobal, or null for fast-check's own random seeds. */
    fcSeed: number | null;
  }
}

const FALLBACK_SEED = 20_240_601;

function commitSeed(): number | null {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    // A commit id is already a hash: its first 32 bits, cut to a non-negative 31-bit int.
    return /^[0-9a-f]{40}$/.test(sha) ? Number.parseInt(sha.slice(0, 8), 16) & 0x7fffffff : null;
  } catch {
    return null; // no git, or not a checkout
  }
}

export function chooseSeed(env: NodeJS.ProcessEnv): { seed: number | null; why: string } {
  const given = env.FC_SEED?.trim();
  if (given) {
    if (!/^-?\d+$/.test(given) || !Number.isSafeInteger(Number(given)))
      throw new Error(`FC_SEED must be an integer (got "${env.FC_SEED}")`);
    return { seed: Number(given), why: 'from FC_SEED' };
  }
  if (env.BROKERLAB_DEEP) return { seed: null, why: 'random per property (test:deep)' };
  const fromCommit = commitSeed();
  if (fromCommit !== null) return { seed: fromCommit, why: 'from the git commit' };
  return { seed: FALLBACK_SEED, why: 'fixed: not a git checkout' };
}

export default function setup(project: TestProject): void {
  const { seed, why } = chooseSeed(process.env);
  project.provide('fcSeed', seed);
  console.log(
    seed === null
      ? `fast-check seed: ${why}; re-run a failure with FC_SEED=<the seed in its name>`
      : `fast-check seed: ${seed} (${why}); re-run with FC_SEED=${seed} npm run test:fast`,
  );
}
