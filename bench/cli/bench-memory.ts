// Memory checks run in fresh child processes, so one measurement's heap cannot hide another's:
// the extra RSS a backlog costs per message, and peak RSS of a 1M vs a 10M message run.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MemoryResult {
  backlogBytesPerMessage: number;
  peakRss1M: number;
  peakRss10M: number;
}

const CHILD = fileURLToPath(new URL('../bin/memory-child.mjs', import.meta.url));

function child(kind: 'backlog' | 'run', messages: number): number {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, kind, String(messages)], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

export function measureMemory(): MemoryResult {
  return {
    backlogBytesPerMessage: child('backlog', 1_000_000),
    peakRss1M: child('run', 1_000_000),
    peakRss10M: child('run', 10_000_000),
  };
}
