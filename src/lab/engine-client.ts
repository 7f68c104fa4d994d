// The main thread's handle on an engine worker (one per run shown: compare mode has two).

import * as Comlink from 'comlink';
import type { LabWorkerApi } from '../worker/lab-worker';

export interface EngineClient {
  api: Comlink.Remote<LabWorkerApi>;
  terminate(): void;
}

export function startEngine(): EngineClient {
  const worker = new Worker(new URL('../worker/lab-worker.ts', import.meta.url), {
    type: 'module',
    name: 'brokerlab-engine',
  });
  return { api: Comlink.wrap<LabWorkerApi>(worker), terminate: () => worker.terminate() };
}
