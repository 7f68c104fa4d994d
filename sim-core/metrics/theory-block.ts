// The report's `theory` block: when a scenario is a single queue fed by Poisson arrivals and
// served FIFO by c identical servers with nothing else going on, closed-form M/M/c or M/G/1
// values sit beside the measured ones. Otherwise null: theory that does not apply would mislead.

import { noLatency } from '../scenario/hops';
import type { Scenario } from '../scenario/types';
import { compileDist } from '../random';
import { mg1, mmc } from './theory';

export interface Compared {
  theory: number | null;
  measured: number;
}

export interface TheoryBlock {
  model: string;
  servers: number;
  arrivalPerSec: number;
  serviceMeanMs: number;
  utilization: Compared;
  probWait: number;
  queueWaitMeanMs: Compared;
  queueWaitP99Ms: Compared;
  endToEndMeanMs: Compared;
  endToEndP99Ms: Compared;
  queueLengthMean: Compared;
}

export interface Measured {
  utilization: number;
  queueWaitMeanMs: number;
  queueWaitP99Ms: number;
  endToEndMeanMs: number;
  endToEndP99Ms: number;
  queueLengthMean: number;
}

/** Why theory does not apply, or null if it does. Exported for tests and the UI. */
export function theoryNotApplicable(s: Scenario): string | null {
  if (s.channels.length !== 1 || s.channels[0].kind !== 'queue') return 'not a single queue';
  const q = s.channels[0];
  if (s.consumers.length !== 1) return 'not exactly one consumer';
  const c = s.consumers[0];
  if (s.producers.some((p) => p.rate.kind !== 'poisson')) return 'arrivals are not Poisson';
  if (s.producers.some((p) => p.confirm !== null)) return 'publisher confirms add retries';
  const singleServer = c.instances === 1 && c.concurrency === 1;
  const sharedFifo = c.ack === 'manual' && c.prefetch === c.concurrency;
  if (!singleServer && !sharedFifo) return 'prefetch buffers make it c separate queues';
  if (!noLatency(s.network)) return 'network latency adds ack round trips';
  if (s.broker.capacity !== null)
    return 'broker capacity puts a second server before the consumers';
  if (s.broker.nodes > 1) return 'a broker cluster adds replication and failover';
  if (c.failRate > 0 || c.poison > 0 || c.crashes || c.emit.length > 0) return 'failures or chains';
  if (s.faults.length > 0 || s.broker.crashes) return 'faults are scheduled';
  if (q.ttl !== null || q.maxLength !== null || q.fifoGroups) return 'TTL, length limit or groups';
  return null;
}

/** Closed-form values beside the measured ones, or null when no closed form applies. */
export function theoryBlock(s: Scenario, measured: Measured): TheoryBlock | null {
  if (theoryNotApplicable(s) !== null) return null;
  const c = s.consumers[0];
  const servers = c.instances * c.concurrency;
  const arrivalPerSec = s.producers.reduce(
    (sum, p) => sum + (p.rate.kind === 'poisson' ? p.rate.perSecond : 0),
    0,
  );
  const lambdaPerMs = arrivalPerSec / 1000;
  const service = compileDist(c.service);
  const exponential = c.service.kind === 'exponential';
  if (!exponential && servers !== 1) return null;
  if (!(service.mean > 0)) return null;
  const t = exponential
    ? mmc({ lambdaPerMs, serviceMeanMs: service.mean, servers })
    : mg1({
        lambdaPerMs,
        serviceMeanMs: service.mean,
        serviceSecondMomentMs2: service.secondMoment,
      });
  if (t === null) return null;
  const model = exponential ? `M/M/${servers}` : c.service.kind === 'constant' ? 'M/D/1' : 'M/G/1';
  return {
    model,
    servers,
    arrivalPerSec,
    serviceMeanMs: service.mean,
    utilization: { theory: t.utilization, measured: measured.utilization },
    probWait: t.probWait,
    queueWaitMeanMs: { theory: t.queueWaitMeanMs, measured: measured.queueWaitMeanMs },
    queueWaitP99Ms: { theory: t.queueWaitP99Ms, measured: measured.queueWaitP99Ms },
    endToEndMeanMs: { theory: t.sojournMeanMs, measured: measured.endToEndMeanMs },
    endToEndP99Ms: { theory: t.sojournP99Ms, measured: measured.endToEndP99Ms },
    queueLengthMean: { theory: t.queueLengthMean, measured: measured.queueLengthMean },
  };
}
