// Memory checks run in fresh child processes, so one measurement's heap cannot hide another's:
// the extra RSS a backlog costs per message, and peak RSS of a 1M vs a 10M message run.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { builtEntry } from '../harness/built';

export interface MemoryResult {
  backlogBytesPerMessage: number;
  peakRss1M: number;
  peakRss10M: number;
}

function child(kind: 'backlog' | 'run', messages: number): number {
  const file = fileURLToPath(builtEntry('memory-child.mjs'));
  const out = execFileSync(process.execPath, ['--expose-gc', file, kind, String(messages)], {
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
