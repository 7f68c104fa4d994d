// Worker-thread entry for sweep and compare: tsx's CLI hooks do not reach worker threads on
// Node 20, so register them here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('../harness/worker-main.ts');
