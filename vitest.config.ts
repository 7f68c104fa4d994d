import { defineConfig } from 'vitest/config';

// In CI a JSON report is written too, from which .ci/run prints "N passed, N failed".
const ci = Boolean(process.env.CI);

// Three projects, run together by `vitest run` (npm test) or alone with --project:
//   fast  in-process tests: no child process, worker thread or browser (npm run test:fast)
//   cli   tests that spawn the built CLI or start its worker threads (npm run test:cli)
//   e2e   the lab in Chromium, which also spawns the CLI (npm run test:e2e)
//   real  the CLI against live RabbitMQ and NATS servers it starts (npm run test:real)
// The cli and e2e projects build the CLI first (test/setup/build-cli.ts). The real project runs
// after the others (groupOrder 1), one file at a time: its live runs measure wall-clock latency,
// which a busy machine would inflate.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-artifacts/vitest.json' } : undefined,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: ['test/cli/**', 'test/e2e/**', 'test/real/**'],
          globalSetup: ['test/setup/fast-check-seed.ts'],
          setupFiles: ['test/setup/fast-check.ts'],
          // Files share each worker's module cache (sim-core is loaded once per worker, not once
          // per file): ~20 s here instead of ~55 s. Safe while these tests mock nothing and
          // change no environment or global state.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'cli',
          sequence: { groupOrder: 0 },
          include: ['test/cli/**/*.test.ts'],
          globalSetup: ['test/setup/build-cli.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 0 },
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/build-cli.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'real',
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          include: ['test/real/**/*.test.ts'],
          globalSetup: ['test/setup/build-cli.ts', 'test/setup/brokers.ts'],
        },
      },
    ],
  },
});
