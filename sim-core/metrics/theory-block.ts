// The report's `theory` block: when a scenario is a single queue fed by Poisson arrivals and
// served FIFO by c identical servers with nothing else going on, closed-form M/M/c or M/G/1
// values sit beside the measured ones; with a broker capacity, the tandem of the broker node and
// one worker, both deterministic (Friedman's reduction). Otherwise null: theory that does not
// apply would mislead.

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
  /** A tandem: the broker node's work per message (ms), in front of the consumer's. */
  brokerServiceMs?: number;
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
  if (s.producers.some((p) => p.batch !== null)) return 'batching makes arrivals come in bunches';
  if (s.network.publishLoss > 0 || s.broker.memoryLimit !== null)
    return 'publishes are lost or held back on their way';
  const singleServer = c.instances === 1 && c.concurrency === 1;
  const sharedFifo = c.ack === 'manual' && c.prefetch === c.concurrency;
  if (!singleServer && !sharedFifo) return 'prefetch buffers make it c separate queues';
  if (!noLatency(s.network)) return 'network latency adds ack round trips';
  if (s.broker.nodes > 1) return 'a broker cluster adds replication and failover';
  if (s.broker.capacity !== null && brokerServiceMs(s) === null)
    return 'broker capacity puts a second server before the consumers, and only a tandem of constant ones (constant sizes and service, one worker, no fsync) has a closed form';
  if (c.failRate > 0 || c.poison > 0 || c.crashes || c.emit.length > 0) return 'failures or chains';
  if (s.faults.length > 0 || s.broker.crashes) return 'faults are scheduled';
  if (q.ttl !== null || q.maxLength !== null || q.fifoGroups) return 'TTL, length limit or groups';
  return null;
}

/**
 * The broker node's constant work per message (ms), when it and the one worker behind it form a
 * tandem of two deterministic servers; null otherwise (no capacity, or no closed form).
 */
function brokerServiceMs(s: Scenario): number | null {
  const cap = s.broker.capacity;
  const c = s.consumers[0];
  if (cap === null || cap.fsync !== null) return null;
  if (c.service.kind !== 'constant' || c.instances * c.concurrency !== 1) return null;
  if (cap.perByte === 0) return cap.perMessage;
  // The work depends on the size: constant only if every producer sends one and the same size.
  const sizes = new Set(s.producers.map((p) => (p.size.kind === 'constant' ? p.size.value : NaN)));
  const [size] = sizes;
  return sizes.size === 1 && !Number.isNaN(size) ? cap.perMessage + cap.perByte * size : null;
}

/**
 * Poisson arrivals through two deterministic FIFO servers, the broker node (D_b) then the worker
 * (D_c). Friedman (1965): a tandem of deterministic servers delays each message exactly as the
 * slowest one alone would, plus the others' service, so the total wait is M/D/1's with
 * D = max(D_b, D_c), and P(wait) its ρ. The broker sees the Poisson arrivals, so its own wait is
 * M/D/1's with D_b: the queue in front of the worker gets the difference (none when the broker
 * is slower, its departures being spaced at least D_b apart).
 */
function tandem(
  lambdaPerMs: number,
  brokerMs: number,
  serviceMs: number,
): { wait: number; brokerWait: number; rhoMax: number } | null {
  const slowest = Math.max(brokerMs, serviceMs);
  const wq = (d: number) =>
    mg1({ lambdaPerMs, serviceMeanMs: d, serviceSecondMomentMs2: d * d })?.queueWaitMeanMs ?? null;
  const wait = wq(slowest);
  const brokerWait = brokerMs > 0 ? wq(brokerMs) : 0;
  if (wait === null || brokerWait === null) return null;
  return { wait, brokerWait, rhoMax: lambdaPerMs * slowest };
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
  const broker = brokerServiceMs(s);
  if (broker !== null) {
    const t = tandem(lambdaPerMs, broker, service.mean);
    if (t === null) return null;
    // queueWait runs from the publish to the worker's start: the broker's wait and work too.
    const workerQueueWait = t.wait - t.brokerWait;
    return {
      model: 'M/D/1 → D/1',
      servers,
      arrivalPerSec,
      serviceMeanMs: service.mean,
      utilization: { theory: lambdaPerMs * service.mean, measured: measured.utilization },
      probWait: t.rhoMax,
      queueWaitMeanMs: { theory: t.wait + broker, measured: measured.queueWaitMeanMs },
      queueWaitP99Ms: { theory: null, measured: measured.queueWaitP99Ms },
      endToEndMeanMs: { theory: t.wait + broker + service.mean, measured: measured.endToEndMeanMs },
      endToEndP99Ms: { theory: null, measured: measured.endToEndP99Ms },
      queueLengthMean: {
        theory: lambdaPerMs * workerQueueWait,
        measured: measured.queueLengthMean,
      },
      brokerServiceMs: broker,
    };
  }
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
