// Entry of the built memory child (out/cli/memory-child.mjs): `memory-child backlog|run N`
// prints one number; see bench/cli/bench-memory.ts.
import { memoryChild } from './memory-child';

process.stdout.write(`${memoryChild(process.argv[2], Number(process.argv[3]))}\n`);
