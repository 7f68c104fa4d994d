// One memory measurement in a fresh process: `backlog N` prints the extra RSS per queued message
// with N messages held; `run N` prints the peak RSS of the M/M/4 reference run of N messages.

import { readFileSync } from 'node:fs';
import { Simulation } from '../sim-core/index';
import { validateOrThrow } from './cli/load';
import { backlogScenario, mm4Reference } from './reference';

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function memoryChild(kind: string, messages: number): number {
  if (kind === 'backlog') {
    // Warm up the code paths with a small run first, so the JIT's memory is not counted.
    new Simulation(validateOrThrow(backlogScenario(10_000))).run();
    gc();
    const before = process.memoryUsage().rss;
    const sim = new Simulation(validateOrThrow(backlogScenario(messages)));
    const report = sim.run();
    gc();
    const after = process.memoryUsage().rss;
    if (report.totals.pendingAtEnd !== messages)
      throw new Error('the backlog did not hold every message');
    return (after - before) / messages;
  }
  new Simulation(validateOrThrow(mm4Reference(messages))).run();
  return peakRss();
}

/**
 * This process's peak RSS in bytes. Linux keeps getrusage's maxrss across exec, so a child of a
 * large parent would report the parent's size at fork (the bench's parent reaches ~500 MB after
 * its speed runs); /proc's VmHWM belongs to the new address space and starts afresh at exec.
 */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}
