// Time integrals and maxima the report needs (depth per queue, busy servers per instance), as
// struct-of-arrays in Float64Arrays: unboxed, so folding an interval in allocates nothing.
// Call touch* before a level changes (it folds the elapsed interval since warmup in) and
// settleQueue after a queue's depth grew (every growth of ready settles). Maxima count every
// level reached from time 0; areas count from warmup.

import type { InstanceRt, QueueRt } from './entities';

export class Gauges {
  /** Per queue: ∫ depth (ready + unacked) dt and ∫ ready dt since warmup (µs), the max depth. */
  readonly depthArea: Float64Array;
  readonly readyArea: Float64Array;
  readonly depthMax: Float64Array;
  /** Per queue: the max ready count, and the max unacked count before its last change. */
  readonly readyMax: Float64Array;
  private readonly unackedMaxBefore: Float64Array;
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
    this.readyMax = new Float64Array(queues);
    this.unackedMaxBefore = new Float64Array(queues);
    this.queueSince = new Float64Array(queues);
    this.busyArea = new Float64Array(instances);
    this.instanceSince = new Float64Array(instances);
  }

  /** µs since `last` (a level's last change) that count: after warmup, up to nowUs. */
  private counted(last: number, nowUs: number): number {
    const from = last > this.warmupUs ? last : this.warmupUs;
    return nowUs > from ? nowUs - from : 0;
  }

  touchQueue(q: QueueRt, nowUs: number): void {
    const i = q.index;
    const unacked = q.unacked;
    // Unacked grows as ready shrinks (a delivery), where nothing settles: every level it reaches
    // is seen here, at its next change, or at the end (unackedMaxAt).
    if (unacked > this.unackedMaxBefore[i]) this.unackedMaxBefore[i] = unacked;
    const dt = this.counted(this.queueSince[i], nowUs);
    if (dt > 0) {
      const ready = q.ready.length;
      this.depthArea[i] += (ready + unacked) * dt;
      this.readyArea[i] += ready * dt;
    }
    this.queueSince[i] = nowUs;
  }

  settleQueue(q: QueueRt): void {
    const i = q.index;
    const ready = q.ready.length;
    const d = ready + q.unacked;
    if (d > this.depthMax[i]) this.depthMax[i] = d;
    if (ready > this.readyMax[i]) this.readyMax[i] = ready;
  }

  /** The max unacked count up to now. */
  unackedMaxAt(q: QueueRt): number {
    const before = this.unackedMaxBefore[q.index];
    return q.unacked > before ? q.unacked : before;
  }

  touchInstance(inst: InstanceRt, nowUs: number): void {
    const i = inst.index;
    this.busyArea[i] += inst.busy * this.counted(this.instanceSince[i], nowUs);
    this.instanceSince[i] = nowUs;
  }

  /** ∫ busy dt up to nowUs without folding (a live reading that must not change the run). */
  busyAreaAt(inst: InstanceRt, nowUs: number): number {
    const dt = this.counted(this.instanceSince[inst.index], nowUs);
    return this.busyArea[inst.index] + inst.busy * dt;
  }

  /** ∫ ready dt up to nowUs without folding. */
  readyAreaAt(q: QueueRt, nowUs: number): number {
    return this.readyArea[q.index] + q.ready.length * this.counted(this.queueSince[q.index], nowUs);
  }

  /** ∫ depth dt up to nowUs without folding. */
  depthAreaAt(q: QueueRt, nowUs: number): number {
    return this.depthArea[q.index] + q.depth * this.counted(this.queueSince[q.index], nowUs);
  }
}
