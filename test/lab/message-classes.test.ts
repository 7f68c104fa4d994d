// The dot classes frames carry: a message's routing key (its routing label, named by the
// event) must be the key the exchange routed it by, and its priority class the priority it was
// published with.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ev, topicMatches } from '../../sim-core/index';
import { LabSession } from '../../src/worker/lab-session';
import type { TopologyModel } from '../../src/shared/protocol';

function session(file: string, seed?: number): { s: LabSession; model: TopologyModel } {
  const s = new LabSession();
  const r = s.load(readFileSync(file, 'utf8'), file, seed);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { s, model: r.model };
}

describe('message dot classes', () => {
  it.each([42, 7])(
    'gives every exchange-routing message the key its queues were bound for (seed %i)',
    (seed) => {
      const { s, model } = session('examples/exchange-routing.yaml', seed);
      expect(model.colourBy).toBe('routingKey');
      expect(model.classes.routingKey).toEqual([
        'order.eu.new',
        'order.eu.paid',
        'order.us.new',
        'invoice.eu.sent',
        'refund.eu',
      ]);
      const binding: Record<string, string> = {
        'eu-orders': 'order.eu.*',
        'us-orders': 'order.us.*',
        invoices: 'invoice.#',
        audit: '*.*.new',
      };
      const ev = s.advanceTo(3_000_000).events;
      const seen = { enqueued: 0, unroutable: 0, keys: new Set<string>() };
      for (let i = 0; i < ev.count; i++) {
        if (ev.seq[i] < 0) continue;
        const key = model.classes.routingKey[ev.keyClass[i] - 1];
        expect(key, `event ${i}`).toBeDefined();
        seen.keys.add(key);
        if (ev.kind[i] === Ev.enqueued) {
          seen.enqueued++;
          expect(topicMatches(binding[model.queues[ev.where[i]].name], key), key).toBe(true);
        } else if (ev.kind[i] === Ev.unroutable) {
          seen.unroutable++;
          expect(key).toBe('refund.eu');
        }
      }
      expect(seen.enqueued).toBeGreaterThan(500);
      expect(seen.unroutable).toBeGreaterThan(30);
      expect(seen.keys.size).toBe(5);
    },
  );

  it('classes priority-overload messages by priority, the urgent tenth apart', () => {
    const { s, model } = session('examples/priority-overload.yaml');
    expect(model.colourBy).toBe('priority');
    expect(model.classes).toEqual({ routingKey: [], priority: [0, 9] });
    const ev = s.advanceTo(3_000_000).events;
    expect(ev.keyClass.length).toBe(0);
    const published = [0, 0, 0];
    for (let i = 0; i < ev.count; i++)
      if (ev.kind[i] === Ev.published) published[ev.priorityClass[i]]++;
    expect(published[0]).toBe(0);
    const urgent = published[2] / (published[1] + published[2]);
    expect(urgent).toBeGreaterThan(0.07);
    expect(urgent).toBeLessThan(0.13);
  });

  it('offers no classes where nothing varies', () => {
    const { s, model } = session('examples/competing-consumers.yaml');
    expect(model.classes).toEqual({ routingKey: [], priority: [] });
    const ev = s.advanceTo(1_000_000).events;
    expect([ev.keyClass.length, ev.priorityClass.length]).toEqual([0, 0]);
  });
});
