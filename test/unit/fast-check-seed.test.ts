// The fast-check seed of a run (test/setup/): FC_SEED wins, test:deep leaves fast-check's random
// seeds, and the seed chosen for the run is the one fast-check uses in this file.
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { chooseSeed } from '../setup/fast-check-seed';

describe('fast-check seed', () => {
  it('FC_SEED overrides, also in test:deep; test:deep alone gives no seed; junk is refused', () => {
    expect(chooseSeed({ FC_SEED: '123' }).seed).toBe(123);
    expect(chooseSeed({ FC_SEED: '-7', BROKERLAB_DEEP: '1' }).seed).toBe(-7);
    expect(chooseSeed({ BROKERLAB_DEEP: '1' }).seed).toBeNull();
    expect(() => chooseSeed({ FC_SEED: '12abc' })).toThrow(/FC_SEED must be an integer/);
  });

  it('is the seed fast-check runs with here', () => {
    const seed = inject('fcSeed');
    expect(fc.readConfigureGlobal().seed).toBe(seed ?? undefined);
  });
});
