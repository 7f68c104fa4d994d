// setupFiles: gives every property in the file the run's fast-check seed (chosen and printed by
// test/setup/fast-check-seed.ts). @fast-check/vitest's test.prop reads it from the global
// configuration and shows it in the test's name as "(with seed=N)".
import fc from 'fast-check';
import { inject } from 'vitest';

const seed = inject('fcSeed');
if (seed !== null) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
