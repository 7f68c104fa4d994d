// How much of the client machine's CPU was left over while a live run measured. A run's own
// consumer processes, publisher and (when local) broker use part of it; when something else
// takes the rest, every process of the run waits for a core and the broker's latencies are the
// machine's. Measured by the cores' idle time (os.cpus: every platform Node runs on), since
// neither the timers' overshoot nor the publisher's lag shows a machine whose cores are all busy
// (measured: two busy loops on this 2-core machine doubled the live p50 while both stayed low).
import { cpus } from 'node:os';

/** Less than this fraction of the machine idle over a live run: the client machine was overloaded. */
export const MIN_SPARE_CPU = 0.2;

export type CpuTimes = { idle: number; total: number };

export function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** The fraction of the machine's CPU time idle between two readings (null: no time passed). */
export function spareCpu(from: CpuTimes, to: CpuTimes): number | null {
  const total = to.total - from.total;
  return total > 0 ? (to.idle - from.idle) / total : null;
}
