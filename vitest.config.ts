import { defineConfig } from 'vitest/config';

// In CI a JSON report is written too, from which .ci/run prints "N passed, N failed".
const ci = Boolean(process.env.CI);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-artifacts/vitest.json' } : undefined,
  },
});
