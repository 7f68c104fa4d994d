// The inspector's swimlane: a message's life across the nodes it passed, and its chain beside it.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ev } from '../../sim-core/index';
import { LabSession } from '../../src/worker/lab-session';
import { swimlane } from '../../src/lab/swimlane';
import { STATE_COLOURS } from '../../src/topology/palette';

function session(file: string) {
  const s = new LabSession();
  const r = s.load(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { s, model: r.model };
}

describe('swimlane', () => {
  const { s: chain, model } = session('examples/event-driven-chain.yaml');
  chain.advanceTo(3_000_000);

  it('draws a life lane by lane: producer, queue, the instance, with an arrow at each move', () => {
    const d = swimlane(model, chain.lifecycle('shop:20')!, 3_000_000);
    const first = d.rows.filter((r) => r.life === 0);
    expect(d.lanes[first[0].lane]).toBe('shop');
    expect(first[0].kind).toBe(Ev.published);
    expect(first[0].from).toBe(-1);
    const enqueued = first.find((r) => r.kind === Ev.enqueued)!;
    expect(d.lanes[enqueued.lane]).toBe('orders');
    expect(d.lanes[enqueued.from]).toBe('shop');
    const delivered = first.find((r) => r.kind === Ev.delivered)!;
    expect(d.lanes[delivered.lane]).toMatch(/^order-service#\d$/);
    expect(d.lanes[delivered.from]).toBe('orders');
    // Rows are in time order.
    const times = d.rows.map((r) => r.timeUs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('starts a published child on the lane of the instance whose processing emitted it', () => {
    const d = swimlane(model, chain.lifecycle('shop:20')!, 3_000_000);
    expect(d.lives.map((l) => l.depth)).toEqual([0, 1, 2]);
    expect(d.lives[1].parent).toBe('shop:20');
    const processed = d.rows.find((r) => r.life === 0 && r.kind === Ev.processed)!;
    const childPublish = d.rows.find((r) => r.life === 1 && r.kind === Ev.published)!;
    expect(childPublish.lane).toBe(processed.lane);
    expect(d.lanes).not.toContain('order-service'); // the emitter has no lane of its own
  });

  it('follows each copy of a topic fan-out on its own way, from the instance that published it', () => {
    const d = swimlane(model, chain.lifecycle('shop:20')!, 3_000_000);
    const emitter = d.rows.find((r) => r.life === 1 && r.kind === Ev.published)!.lane;
    const copies = d.rows.filter((r) => r.life === 1 && r.kind === Ev.enqueued);
    expect(copies.map((r) => d.lanes[r.lane]).sort()).toEqual([
      'order-events/inventory',
      'order-events/shipping',
    ]);
    for (const c of copies) {
      expect(c.from).toBe(emitter);
      // Its delivery leaves from its own subscription, to one of that subscription's consumers.
      const delivered = d.rows.find(
        (r) => r.life === 1 && r.kind === Ev.delivered && r.from === c.lane,
      )!;
      const service = d.lanes[c.lane].endsWith('inventory') ? 'inventory' : 'shipping';
      expect(d.lanes[delivered.lane]).toMatch(new RegExp(`^${service}-service#\\d$`));
    }
  });

  it('stops at the time shown', () => {
    const life = chain.lifecycle('shop:20')!;
    const published = life.entries[0].timeUs;
    const d = swimlane(model, life, published);
    expect(d.rows.map((r) => r.kind)).toEqual([Ev.published]);
  });

  it('marks a redelivery and a duplicate in their colours', () => {
    const { s, model: m } = session('examples/crash-duplicates.yaml');
    s.finish();
    const dup = s.anomalyList().entries.find((a) => a.event === Ev.reprocessed);
    expect(dup, 'the lesson has a duplicate').toBeDefined();
    const id = `${m.senders[dup!.sender].name}:${dup!.seq}`;
    const d = swimlane(m, s.lifecycle(id)!, Infinity);
    const colours = d.rows.map((r) => r.anomaly);
    expect(colours).toContain(STATE_COLOURS.redelivery);
    expect(colours).toContain(STATE_COLOURS.duplicate);
  });

  it('moves a dead-lettered copy from the queue that dead-lettered it to the dead-letter queue', () => {
    const { s, model: m } = session('examples/poison-dlq.yaml');
    s.finish();
    const dl = s.anomalyList().entries.find((a) => a.event === Ev.deadLettered)!;
    const d = swimlane(m, s.lifecycle(`${m.senders[dl.sender].name}:${dl.seq}`)!, Infinity);
    const deadLettered = d.rows.find((r) => r.kind === Ev.deadLettered)!;
    expect(deadLettered.anomaly).toBe(STATE_COLOURS.deadLettered);
    const moved = d.rows.find((r) => r.kind === Ev.enqueued && r.timeUs >= deadLettered.timeUs)!;
    expect(moved.from).toBe(deadLettered.lane);
    expect(moved.lane).not.toBe(deadLettered.lane);
  });
});
