// A child process for one memory measurement (see bench/cli/bench-memory.ts); prints one number.
import { register } from 'tsx/esm/api';

register();
const { memoryChild } = await import('../memory-child.ts');
process.stdout.write(`${memoryChild(process.argv[2], Number(process.argv[3]))}\n`);
