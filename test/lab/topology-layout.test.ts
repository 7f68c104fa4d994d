// The topology's layout: columns follow the flow even around a dead-letter loop, every lesson's
// names fit the stage at 1440×900 and 1280×720 (in Compare too), and a consumer with many
// instances keeps them legible.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignLayers } from '../../src/topology/layers';
import { fitEdgeLabel, fitTitle } from '../../src/topology/titles';
import { layoutTopology, type Box, type Layout } from '../../src/topology/layout';
import { LabSession } from '../../src/worker/lab-session';
import type { TopologyModel } from '../../src/shared/protocol';
import { dejaVuMeasure } from './text-widths';

function model(text: string, file = 'test.yaml'): TopologyModel {
  const r = new LabSession().load(text, file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.model;
}

const layout = (m: TopologyModel, w: number, h: number) => layoutTopology(m, w, h, dejaVuMeasure);
const right = (b: Box) => b.x + b.w;
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** producer → a; a dead-letters to b; b (a TTL'd parking queue) dead-letters back to `back`. */
const LOOP = (back: string, extra = '') => `
name: loop
seed: 1
duration: 1s
producers: [{ id: p, to: a, rate: { kind: constant, perSecond: 10 } }]
channels:
  - { id: a, kind: queue, deadLetter: b }
  - { id: b, kind: queue, ttl: 1s, deadLetter: ${back} }
${extra}
consumers:
  - id: c
    from: a
    service: { kind: constant, value: 1 }
    reject: { probability: 0.5, requeue: false }
`;

describe('topology columns', () => {
  it('a dead-letter loop back to the work queue leaves the consumer right of its queue', () => {
    const m = model(LOOP('a'));
    const cols = assignLayers(m);
    const ch = (id: string) => cols.channel[m.channels.findIndex((c) => c.id === id)];
    expect(cols.producer).toEqual([0]);
    expect(ch('a')).toBe(1);
    expect(ch('b')).toBe(2);
    expect(cols.consumer).toEqual([2]);
    expect(cols.backEdges.size).toBe(1); // b → a, the edge that closes the loop
    const L = layout(m, 800, 480);
    expect(L.consumers[0].x).toBeGreaterThan(right(L.channels[0]));
    expect(L.channels[0].x).toBeGreaterThan(right(L.producers[0]));
  });

  it('a loop through an exchange bound to the work queue keeps the flow left to right', () => {
    const m = model(
      LOOP('x', '  - { id: x, kind: exchange, type: fanout, bindings: [{ to: a }] }'),
    );
    const cols = assignLayers(m);
    const ch = (id: string) => cols.channel[m.channels.findIndex((c) => c.id === id)];
    expect([ch('a'), ch('b'), ch('x')]).toEqual([1, 2, 3]);
    expect(cols.consumer).toEqual([2]);
  });

  it('retry-dead-letter: exchange, work queue, workers and retry queue in flow order', () => {
    const m = model(readFileSync('examples/retry-dead-letter.yaml', 'utf8'));
    const L = layout(m, 665, 343);
    const ch = (id: string) => L.channels[m.channels.findIndex((c) => c.id === id)];
    expect(ch('orders').x).toBeGreaterThan(right(L.producers[0]));
    expect(ch('work').x).toBeGreaterThan(right(ch('orders')));
    expect(L.consumers[0].x).toBeGreaterThan(right(ch('work')));
    expect(ch('retry').x).toBeGreaterThan(right(ch('work')));
  });
});

const LESSONS = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ f, text: readFileSync(`examples/${f}`, 'utf8') }))
  .filter(({ text }) => /^lesson:/m.test(text));

/**
 * The topology's stage at each screen size (measured in the lab: the canvas between the side
 * panels), and the half of it one run gets in Compare.
 */
const STAGES = [
  { name: '1440×900', w: 782, h: 501 },
  { name: '1280×720', w: 665, h: 343 },
  { name: '1440×900, Compare', w: 781, h: 315 },
  { name: '1280×720, Compare', w: 664, h: 245 },
];

/**
 * Known: six queues in one column need ~230 px even at their tightest, more than half of a
 * 1280×720 stage has in Compare; they run off its bottom edge and its six consumers' cards are slivers (names still whole).
 */
const CROWDED = new Set(['1280×720, Compare: exchange-types.yaml']);

function boxesOf(L: Layout): Box[] {
  return [...L.producers, ...L.channels, ...L.consumers];
}

describe('every lesson fits the stage', () => {
  it('there are lessons to check', () => expect(LESSONS.length).toBeGreaterThan(20));

  for (const stage of STAGES)
    it.each(LESSONS.map((l) => [l.f, l.text]))(
      `${stage.name}: %s cuts no name short`,
      (f, text) => {
        const L = layout(model(text, f), stage.w, stage.h);
        expect(L.clipped).toEqual([]);
        const boxes = boxesOf(L);
        for (const b of boxes) {
          expect(b.x).toBeGreaterThanOrEqual(0);
          expect(right(b)).toBeLessThanOrEqual(stage.w);
          expect(b.y).toBeGreaterThanOrEqual(0);
          if (!CROWDED.has(`${stage.name}: ${f}`)) expect(b.y + b.h).toBeLessThanOrEqual(stage.h);
        }
        // Every instance card is tall enough to tell apart and to click.
        if (!CROWDED.has(`${stage.name}: ${f}`))
          for (const b of L.instances) expect(b.h).toBeGreaterThanOrEqual(8);
        // No two nodes overlap, and the broker's bar covers none of them.
        boxes.forEach((a, i) =>
          boxes.slice(i + 1).forEach((b) => expect(overlap(a, b)).toBe(false)),
        );
        for (const b of boxes) expect(overlap(L.broker, b)).toBe(false);
      },
    );
});

describe('many instances', () => {
  const thirty = readFileSync('examples/competing-consumers.yaml', 'utf8').replace(
    /^ {4}instances: \d+/m,
    '    instances: 30',
  );

  it('30 instances become a grid of cells, each big enough to see and click', () => {
    const m = model(thirty);
    const L = layout(m, 665, 343);
    const ci = m.consumers.findIndex((c) => c.instances.length === 30);
    expect(L.instanceGrid[ci]).toBe(true);
    const cells = m.consumers[ci].instances.map((i) => L.instances[i]);
    for (const c of cells) {
      expect(c.w).toBeGreaterThanOrEqual(20);
      expect(c.h).toBeGreaterThanOrEqual(8);
      const card = L.consumers[ci];
      expect(c.y + c.h).toBeLessThanOrEqual(card.y + card.h);
    }
    cells.forEach((a, i) => cells.slice(i + 1).forEach((b) => expect(overlap(a, b)).toBe(false)));
  });

  it('two instances stay full cards, one per line', () => {
    const m = model(thirty.replace('    instances: 30', '    instances: 2'));
    const L = layout(m, 665, 343);
    expect(L.instanceGrid.every((g) => !g)).toBe(true);
  });
});

describe('fitting a name into its card', () => {
  const m = dejaVuMeasure;
  it('keeps a name whole on one line, with its tag, when it fits', () => {
    const t = fitTitle('orders', 'queue', 120, m);
    expect(t).toMatchObject({ lines: ['orders'], tagOwnLine: false, clipped: false });
  });

  it('wraps a long name at its hyphens before cutting anything', () => {
    const t = fitTitle('inventory-service', '', 70, m);
    expect(t.lines).toEqual(['inventory-', 'service']);
    expect(t.clipped).toBe(false);
  });

  it('cuts with an ellipsis only what two lines cannot hold, and says so', () => {
    const t = fitTitle('a-very-long-service-name-indeed', '', 60, m);
    expect(t.lines).toHaveLength(2);
    expect(t.lines[1].endsWith('…')).toBe(true);
    expect(t.clipped).toBe(true);
  });

  it('breaks header matches of a binding onto two lines at their separator', () => {
    expect(fitEdgeLabel('tier=gold, region=eu', 80, m)).toEqual({
      lines: ['tier=gold,', 'region=eu'],
      clipped: false,
    });
  });
});
