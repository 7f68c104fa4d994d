// Time integrals and maxima the report needs (depth per queue, busy servers per instance), as
// struct-of-arrays in Float64Arrays: unboxed, so folding an interval in allocates nothing.
// Call touch* before a level changes (it folds the elapsed interval since warmup in) and
// settleQueue after a queue's depth grew.

import type { InstanceRt, QueueRt } from './entities';

export class Gauges {
  /** Per queue: ∫ depth (ready + unacked) dt and ∫ ready dt since warmup (µs), the max depth. */
  readonly depthArea: Float64Array;
  readonly readyArea: Float64Array;
  readonly depthMax: Float64Array;
  private readonly queueSince: Float64Array;
  /** Per instance: ∫ busy servers dt since warmup (µs). */
  readonly busyArea: Float64Array;
  private readonly instanceSince: Float64Array;

  constructor(
    queues: number,
    instances: number,
    private readonly warmupUs: number,
  ) {
    this.depthArea = new Float64Array(queues);
    this.readyArea = new Float64Array(queues);
    this.depthMax = new Float64Array(queues);
    this.queueSince = new Float64Array(queues);
    this.busyArea = new Float64Array(instances);
    this.instanceSince = new Float64Array(instances);
  }

  touchQueue(q: QueueRt, nowUs: number): void {
    const i = q.index;
    const last = this.queueSince[i];
    const from = last > this.warmupUs ? last : this.warmupUs;
    if (nowUs > from) {
      const ready = q.ready.length;
      this.depthArea[i] += (ready + q.unacked) * (nowUs - from);
      this.readyArea[i] += ready * (nowUs - from);
    }
    this.queueSince[i] = nowUs;
  }

  settleQueue(q: QueueRt): void {
    const d = q.ready.length + q.unacked;
    if (d > this.depthMax[q.index]) this.depthMax[q.index] = d;
  }

  touchInstance(inst: InstanceRt, nowUs: number): void {
    const i = inst.index;
    const last = this.instanceSince[i];
    const from = last > this.warmupUs ? last : this.warmupUs;
    if (nowUs > from) this.busyArea[i] += inst.busy * (nowUs - from);
    this.instanceSince[i] = nowUs;
  }

  /** ∫ busy dt up to nowUs without folding (a live reading that must not change the run). */
  busyAreaAt(inst: InstanceRt, nowUs: number): number {
    const last = this.instanceSince[inst.index];
    const from = last > this.warmupUs ? last : this.warmupUs;
    return this.busyArea[inst.index] + (nowUs > from ? inst.busy * (nowUs - from) : 0);
  }

  /** ∫ ready dt up to nowUs without folding. */
  readyAreaAt(q: QueueRt, nowUs: number): number {
    const last = this.queueSince[q.index];
    const from = last > this.warmupUs ? last : this.warmupUs;
    return this.readyArea[q.index] + (nowUs > from ? q.ready.length * (nowUs - from) : 0);
  }

  /** ∫ depth dt up to nowUs without folding. */
  depthAreaAt(q: QueueRt, nowUs: number): number {
    const last = this.queueSince[q.index];
    const from = last > this.warmupUs ? last : this.warmupUs;
    return this.depthArea[q.index] + (nowUs > from ? q.depth * (nowUs - from) : 0);
  }
}
