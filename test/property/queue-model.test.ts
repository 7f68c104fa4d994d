// Model-based test of one manual-ack queue (fc.commands): the engine against a plain reference
// model of the same broker — ids in arrays, a tiny agenda ordered by (time, order scheduled).

import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { RealQueue, invariantViolations } from './queue-harness';
import type { QueueParams, QueueSnapshot } from './queue-harness';

const numRuns = Number(process.env.BROKERLAB_DEEP ? 2000 : 200);

interface ModelInstance {
  up: boolean;
  /** The broker's view: it has not yet noticed a crash (the closed connection). */
  connected: boolean;
  credit: number;
  /** Ids delivered on the current connection and not settled, oldest delivery first. */
  unacked: number[];
  buffer: number[];
  processing: number | null;
  /** Bumped by each crash: work started before it never completes. */
  life: number;
  /** In `turns`, waiting to be handed a message. */
  waiting: boolean;
}

/**
 * The reference: a ready list in FIFO order; instances with credit take turns in a queue (one
 * that gets credit back joins the back); delivery, ack and requeue are instant (zero latency);
 * service takes exactly serviceMs; a crash loses the process's buffer and work, the broker notices
 * when the closed connection reaches it (at once, later in the same instant) and requeues what was unacked (front: to its original place; back: at the end,
 * oldest delivery first), or dead-letters ids already delivered
 * maxDeliveries times. Until it notices, the broker keeps delivering to the dead process.
 */
class QueueModel {
  nowUs = 0;
  readonly ready: number[] = [];
  readonly turns: number[] = [];
  readonly instances: ModelInstance[];
  readonly processed: number[] = [0];
  readonly delivered: number[] = [0];
  readonly acked = new Set<number>();
  readonly deadLettered = new Set<number>();
  private readonly agenda: Array<{ atUs: number; run: () => void }> = [];

  constructor(readonly p: QueueParams) {
    this.instances = Array.from({ length: p.instances }, (_, i) => {
      this.turns.push(i);
      const inst: ModelInstance = {
        up: true,
        connected: true,
        credit: p.prefetch,
        unacked: [],
        buffer: [],
        processing: null,
        life: 0,
        waiting: true,
      };
      return inst;
    });
  }

  publish(): void {
    const id = this.processed.length;
    this.processed.push(0);
    this.delivered.push(0);
    this.ready.push(id);
    this.dispatch();
  }

  /** Runs everything due up to now + dtUs (inclusive), earliest first, ties in scheduling order. */
  advance(dtUs: number): void {
    const untilUs = this.nowUs + dtUs;
    for (;;) {
      // The agenda is in scheduling order, so the first of the earliest entries comes first.
      let k = -1;
      this.agenda.forEach((e, j) => {
        if (e.atUs <= untilUs && (k < 0 || e.atUs < this.agenda[k].atUs)) k = j;
      });
      if (k < 0) break;
      const [e] = this.agenda.splice(k, 1);
      this.nowUs = e.atUs;
      e.run();
    }
    this.nowUs = untilUs;
  }

  crash(i: number, restartUs: number): void {
    const inst = this.instances[i];
    if (!inst.up) return;
    inst.up = false;
    inst.life++;
    inst.buffer = [];
    inst.processing = null;
    const detectUs = this.nowUs; // the socket's close travels a zero-latency network
    this.at(detectUs, () => this.detect(i));
    // It reconnects once the broker has noticed the old connection is gone.
    this.at(Math.max(this.nowUs + restartUs, detectUs), () => this.restart(i));
  }

  snapshot(): QueueSnapshot {
    return {
      nowUs: this.nowUs,
      ready: [...this.ready],
      unackedCount: this.instances.reduce((n, inst) => n + inst.unacked.length, 0),
      instances: this.instances.map((inst) => ({
        up: inst.up,
        connected: inst.connected,
        credit: inst.connected ? inst.credit : null,
        unacked: [...inst.unacked].sort((a, b) => a - b),
        buffer: [...inst.buffer],
        processing: inst.processing,
      })),
      processed: [...this.processed],
      delivered: [...this.delivered],
      acked: [...this.acked].sort((a, b) => a - b),
      deadLettered: [...this.deadLettered].sort((a, b) => a - b),
    };
  }

  private at(atUs: number, run: () => void): void {
    this.agenda.push({ atUs, run });
  }

  private dispatch(): void {
    while (this.ready.length > 0 && this.turns.length > 0) {
      const i = this.turns.shift()!;
      const inst = this.instances[i];
      inst.waiting = false;
      if (!inst.connected || inst.credit <= 0) continue;
      const id = this.ready.shift()!;
      this.delivered[id]++;
      inst.unacked.push(id);
      inst.credit--;
      this.offer(i);
      // A process the broker does not yet know is dead drops the delivery; it stays unacked.
      if (inst.up) {
        inst.buffer.push(id);
        this.pump(i);
      }
    }
  }

  private offer(i: number): void {
    const inst = this.instances[i];
    if (inst.waiting || !inst.connected || inst.credit <= 0) return;
    inst.waiting = true;
    this.turns.push(i);
  }

  private pump(i: number): void {
    const inst = this.instances[i];
    if (inst.processing !== null || inst.buffer.length === 0) return;
    const id = inst.buffer.shift()!;
    const life = inst.life;
    inst.processing = id;
    this.at(this.nowUs + this.p.serviceMs * 1000, () => {
      if (inst.life === life) this.finish(i, id);
    });
  }

  /** Processing completes; the next buffered message starts before the (instant) ack lands. */
  private finish(i: number, id: number): void {
    const inst = this.instances[i];
    inst.processing = null;
    this.processed[id]++;
    this.pump(i);
    inst.unacked.splice(inst.unacked.indexOf(id), 1);
    inst.credit++;
    this.offer(i);
    this.acked.add(id);
    this.dispatch();
  }

  private detect(i: number): void {
    const inst = this.instances[i];
    inst.connected = false;
    const batch = inst.unacked;
    for (const id of batch) {
      if (this.delivered[id] >= (this.p.maxDeliveries ?? Infinity)) this.deadLettered.add(id);
      else if (this.p.requeue === 'back') this.ready.push(id);
      else {
        const k = this.ready.findIndex((later) => later > id);
        this.ready.splice(k < 0 ? this.ready.length : k, 0, id);
      }
    }
    inst.unacked = [];
    this.dispatch();
  }

  private restart(i: number): void {
    const inst = this.instances[i];
    inst.up = true;
    inst.connected = true;
    inst.credit = this.p.prefetch;
    this.offer(i);
    this.dispatch();
  }
}

interface Sides {
  model: QueueModel;
  real: RealQueue;
}

/**
 * Both sides agree exactly, and the real one keeps the model-free invariants (its own books are
 * checked as it runs: a processing started on a delivery it does not hold throws).
 */
function compare({ model, real }: Sides): void {
  const snap = real.snapshot();
  expect(snap).toEqual(model.snapshot());
  expect(invariantViolations(snap, real.params)).toEqual([]);
}

class Publish implements fc.Command<QueueModel, RealQueue> {
  constructor(readonly count: number) {}
  check(): boolean {
    return true;
  }
  run(model: QueueModel, real: RealQueue): void {
    for (let k = 0; k < this.count; k++) {
      model.publish();
      real.publish();
    }
    compare({ model, real });
  }
  toString(): string {
    return `publish(${this.count})`;
  }
}

class Advance implements fc.Command<QueueModel, RealQueue> {
  constructor(readonly dtUs: number) {}
  check(): boolean {
    return true;
  }
  run(model: QueueModel, real: RealQueue): void {
    model.advance(this.dtUs);
    real.advance(this.dtUs);
    compare({ model, real });
  }
  toString(): string {
    return `advance(${this.dtUs}µs)`;
  }
}

class Crash implements fc.Command<QueueModel, RealQueue> {
  constructor(
    readonly instance: number,
    readonly restartMs: number,
  ) {}
  check(model: Readonly<QueueModel>): boolean {
    return this.instance < model.p.instances;
  }
  run(model: QueueModel, real: RealQueue): void {
    model.crash(this.instance, this.restartMs * 1000);
    real.crash(this.instance, this.restartMs * 1000);
    compare({ model, real });
  }
  toString(): string {
    return `crash(c#${this.instance + 1}, restart ${this.restartMs}ms)`;
  }
}

const paramsArb: fc.Arbitrary<QueueParams> = fc.record({
  instances: fc.integer({ min: 1, max: 3 }),
  prefetch: fc.integer({ min: 1, max: 4 }),
  serviceMs: fc.constantFrom(5, 10),
  heartbeatMs: fc.constantFrom(5, 10, 25),
  requeue: fc.constantFrom<'front' | 'back'>('front', 'back'),
  maxDeliveries: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

const commandsArb = fc.commands(
  [
    fc.integer({ min: 1, max: 4 }).map((n) => new Publish(n)),
    fc.constant(new Publish(1)),
    fc
      .oneof(
        fc.integer({ min: 0, max: 25_000 }),
        fc.constantFrom(0, 1, 5_000, 10_000, 20_000, 100_000),
      )
      .map((dt) => new Advance(dt)),
    fc
      .record({
        instance: fc.integer({ min: 0, max: 2 }),
        restartMs: fc.integer({ min: 0, max: 60 }),
      })
      .map(({ instance, restartMs }) => new Crash(instance, restartMs)),
  ],
  { maxCommands: 100, size: 'medium' },
);

/** Long enough for every restart and every backlog in a run of at most 100 commands to clear. */
const SETTLE_US = 60_000_000;

describe('one queue with manual-ack consumers, against a reference model', () => {
  test.prop([paramsArb, commandsArb], { numRuns })(
    'agrees with the model after every command; settled, each message is processed once or dead-lettered',
    (params, cmds) => {
      const sides: Sides = { model: new QueueModel(params), real: new RealQueue(params) };
      fc.modelRun(() => sides, cmds);
      sides.model.advance(SETTLE_US);
      sides.real.advance(SETTLE_US);
      compare(sides);
      const snap = sides.real.snapshot();
      expect(snap.ready).toEqual([]);
      expect(snap.unackedCount).toBe(0);
      expect(snap.instances.every((inst) => inst.up && inst.connected)).toBe(true);
      const published = snap.processed.length - 1;
      expect(snap.acked.length + snap.deadLettered.length).toBe(published);
    },
  );
});
