// The real system for the queue model test: a Simulation of one manual-ack queue whose messages
// the test publishes itself through the run's publish port, crashes through its fault port,
// advances, and reads back as a QueueSnapshot (counts from the event stream, places from a
// read of the engine's state). The engine checks its own books as it goes (checkInvariants).

import { Ev, Simulation, eventMask } from '../../sim-core/index';
import type { Scenario, SimEvent, SimObserver } from '../../sim-core/index';
import { validateScenario } from '../../sim-core/index';

/** One run's shape: a queue `q` consumed by N identical manual-ack instances. */
export interface QueueParams {
  instances: number;
  prefetch: number;
  serviceMs: number;
  heartbeatMs: number;
  requeue: 'front' | 'back';
  /** null: unlimited. */
  maxDeliveries: number | null;
  seed: number;
}

/** What both sides expose after each command. Message ids are 1, 2, 3... in publish order. */
export interface QueueSnapshot {
  nowUs: number;
  /** Ready ids, front of the queue first. */
  ready: number[];
  /** The queue's own unacked counter. */
  unackedCount: number;
  instances: Array<{
    up: boolean;
    connected: boolean;
    /** Prefetch credit while connected (null when not). */
    credit: number | null;
    /** Ids delivered on the current connection and not settled, ascending. */
    unacked: number[];
    /** Ids in the process: its prefetch buffer (oldest first) and the one in service. */
    buffer: number[];
    processing: number | null;
  }>;
  /** By id (index 0 unused): completed processings, and deliveries. */
  processed: number[];
  delivered: number[];
  /** Ascending. */
  acked: number[];
  deadLettered: number[];
}

export function queueScenario(p: QueueParams): Scenario {
  const raw = {
    name: 'queue model',
    seed: p.seed,
    duration: '1h',
    // The producer never fires within the run: the test publishes by hand.
    producers: [{ id: 'p', to: 'q', rate: { kind: 'trace', at: ['2h'] } }],
    channels: [
      { id: 'q', kind: 'queue', requeue: p.requeue, maxDeliveries: p.maxDeliveries ?? 'none' },
    ],
    consumers: [
      {
        id: 'c',
        from: 'q',
        instances: p.instances,
        prefetch: p.prefetch,
        concurrency: 1,
        service: { kind: 'constant', value: p.serviceMs },
        heartbeat: p.heartbeatMs,
      },
    ],
  };
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(`invalid queue scenario: ${JSON.stringify(v.errors)}`);
  return v.scenario;
}

/** Per-id counts from the event stream. */
class Tally implements SimObserver {
  readonly kinds = eventMask(
    Ev.published,
    Ev.delivered,
    Ev.processed,
    Ev.reprocessed,
    Ev.acked,
    Ev.deadLettered,
  );
  readonly processed: number[] = [0];
  readonly delivered: number[] = [0];
  readonly acked = new Set<number>();
  readonly deadLettered = new Set<number>();

  onEvent(ev: SimEvent): void {
    const id = ev.seq;
    if (ev.kind === Ev.published) {
      this.processed[id] = 0;
      this.delivered[id] = 0;
    } else if (ev.kind === Ev.delivered) this.delivered[id]++;
    else if (ev.kind === Ev.processed || ev.kind === Ev.reprocessed) this.processed[id]++;
    else if (ev.kind === Ev.acked) this.acked.add(id);
    else if (ev.kind === Ev.deadLettered) this.deadLettered.add(id);
  }
}

/** The engine under test, driven the way the model is. */
export class RealQueue {
  readonly sim: Simulation;
  private readonly tally = new Tally();

  constructor(readonly params: QueueParams) {
    this.sim = new Simulation(queueScenario(params), {
      observers: [this.tally],
      checkInvariants: true,
    });
  }

  /** Publishes one message now, through the producer's real publish path (zero latency). */
  publish(): void {
    this.sim.publish('p');
  }

  advance(dtUs: number): void {
    this.sim.advance(this.sim.nowUs + dtUs);
  }

  /** Crashes instance `c#(instance + 1)` now, through the fault port. */
  crash(instance: number, restartUs: number): void {
    this.sim.injectFault({
      at: this.sim.nowUs / 1000,
      crash: `c#${instance + 1}`,
      restart: restartUs < 0 ? null : restartUs / 1000,
    });
  }

  snapshot(): QueueSnapshot {
    const e = this.sim.state;
    const m = e.msgs;
    const q = e.queues[0];
    const ids = (n: number, slotAt: (i: number) => number) =>
      Array.from({ length: n }, (_, i) => m.seq[slotAt(i)]);
    return {
      nowUs: this.sim.nowUs,
      ready: ids(q.ready.length, (i) => q.ready.at(i)),
      unackedCount: q.unacked,
      instances: e.instances.map((inst) => {
        const unacked: number[] = [];
        for (let s = inst.unacked.head; s >= 0; s = m.next[s]) unacked.push(m.seq[s]);
        return {
          up: inst.up,
          connected: inst.connected,
          credit: inst.connected ? inst.credit : null,
          unacked: unacked.sort((a, b) => a - b),
          buffer: ids(inst.buffer.length, (i) => inst.buffer.at(i)),
          processing: inst.procSlot[0] >= 0 ? m.seq[inst.procSlot[0]] : null,
        };
      }),
      processed: [...this.tally.processed],
      delivered: [...this.tally.delivered],
      acked: [...this.tally.acked].sort((a, b) => a - b),
      deadLettered: [...this.tally.deadLettered].sort((a, b) => a - b),
    };
  }
}

/**
 * Statements about one snapshot that need no model: every message is in exactly one place,
 * prefetch bounds each connection, a consumer holds only what the broker counts as unacked on it,
 * nothing is processed twice (a zero-latency ack cannot be in flight when a consumer crashes),
 * and with `requeue: front` the ready queue stays in publish order. Returns the violations.
 */
export function invariantViolations(snap: QueueSnapshot, p: QueueParams): string[] {
  const bad: string[] = [];
  const where = new Map<number, string[]>();
  const put = (id: number, place: string) => where.set(id, [...(where.get(id) ?? []), place]);
  snap.ready.forEach((id) => put(id, 'ready'));
  snap.acked.forEach((id) => put(id, 'acked'));
  snap.deadLettered.forEach((id) => put(id, 'deadLettered'));
  let unacked = 0;
  snap.instances.forEach((inst, i) => {
    inst.unacked.forEach((id) => put(id, `unacked#${i + 1}`));
    unacked += inst.unacked.length;
    if (inst.unacked.length > p.prefetch) bad.push(`#${i + 1} holds more than prefetch unacked`);
    if (inst.credit !== null && inst.credit !== p.prefetch - inst.unacked.length)
      bad.push(`#${i + 1} credit ${inst.credit} ≠ prefetch − unacked`);
    const held = [...inst.buffer, ...(inst.processing === null ? [] : [inst.processing])];
    for (const id of held)
      if (!inst.unacked.includes(id)) bad.push(`#${i + 1} holds ${id}, not unacked on it`);
    if (!inst.up && held.length > 0) bad.push(`#${i + 1} is down but holds messages`);
  });
  if (unacked !== snap.unackedCount) bad.push(`queue unacked ${snap.unackedCount} ≠ ${unacked}`);
  for (let id = 1; id < snap.processed.length; id++) {
    const places = where.get(id) ?? [];
    if (places.length !== 1) bad.push(`id ${id} is in [${places.join(', ')}], not one place`);
    if (snap.processed[id] > 1) bad.push(`id ${id} processed ${snap.processed[id]} times`);
    if (snap.acked.includes(id) !== (snap.processed[id] === 1))
      bad.push(`id ${id}: acked must mean processed once`);
  }
  for (const id of snap.deadLettered)
    if (snap.delivered[id] !== p.maxDeliveries)
      bad.push(`id ${id} dead-lettered after ${snap.delivered[id]} deliveries`);
  if (p.requeue === 'front')
    for (let k = 1; k < snap.ready.length; k++)
      if (snap.ready[k] < snap.ready[k - 1]) bad.push(`ready out of publish order: ${snap.ready}`);
  return bad;
}
