// The lab's anomaly list: it counts exactly what the report counts, names the event (and the
// message) that made each anomaly, keeps a bounded number, and a rewind records nothing twice.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  Ev,
  Simulation,
  parseScenarioText,
  validateScenario,
} from '../../sim-core/index';
import type { SimEvent } from '../../sim-core/index';
import { LabSession } from '../../src/worker/lab-session';
import { AnomalyRecorder } from '../../src/worker/anomaly-recorder';
import { ANOMALY_KINDS, ANOMALY_LIMIT } from '../../src/shared/protocol';

function scenario(name: string) {
  const file = `examples/${name}.yaml`;
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return { file, text: readFileSync(file, 'utf8'), scenario: v.scenario };
}

function session(name: string): LabSession {
  const { file, text } = scenario(name);
  const s = new LabSession();
  const r = s.load(text, file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return s;
}

const kindIndex = (k: (typeof ANOMALY_KINDS)[number]) => ANOMALY_KINDS.indexOf(k);

/** Which events may move each counter (a fate may also come as `settled`). */
const EVENTS_OF: Record<(typeof ANOMALY_KINDS)[number], number[]> = {
  redelivered: [Ev.delivered],
  duplicatesProcessed: [Ev.reprocessed],
  duplicatesEnqueued: [Ev.enqueued],
  orderViolations: [Ev.processed],
  lost: [Ev.lost, Ev.settled],
  deadLettered: [Ev.deadLettered, Ev.settled],
  expired: [Ev.expired, Ev.settled],
  dropped: [Ev.dropped, Ev.settled],
  unroutable: [Ev.unroutable],
};

describe('the anomaly recorder', () => {
  // Between them these lessons have every kind of anomaly the list shows.
  const lessons = [
    'crash-duplicates',
    'producer-retries',
    'at-most-once-loss',
    'poison-dlq',
    'ttl-head-of-line',
    'backpressure-bounded-queue',
    'exchange-routing',
  ];

  it.each(lessons)('%s: counts what the report counts, each by the event that made it', (name) => {
    const s = session(name);
    const last = s.finish();
    const report = last.report!;
    const list = s.anomalyList();
    expect(last.anomalyCount).toBe(list.entries.length);
    ANOMALY_KINDS.forEach((k, i) => {
      expect(last.anomalyCounts[i], k).toBe(report.totals[k]);
      const kept = list.entries.filter((e) => e.kind === i);
      expect(kept.length, k).toBe(Math.min(report.totals[k], ANOMALY_LIMIT));
      for (const e of kept) expect(EVENTS_OF[k], k).toContain(e.event);
    });
    const times = list.entries.map((e) => e.timeUs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('finds every duplicate side effect and names its message', () => {
    const { scenario: sc } = scenario('crash-duplicates');
    const duplicates: string[] = [];
    const watch = {
      kinds: ALL_EVENTS,
      onEvent: (ev: SimEvent) => {
        if (ev.kind === Ev.reprocessed && ev.primary) duplicates.push(`${ev.sender}:${ev.seq}`);
      },
    };
    new Simulation(sc, { observers: [watch] }).run();
    const s = session('crash-duplicates');
    s.finish();
    const found = s
      .anomalyList()
      .entries.filter((e) => e.kind === kindIndex('duplicatesProcessed'))
      .map((e) => `${e.sender}:${e.seq}`);
    expect(duplicates.length).toBeGreaterThan(0);
    expect(found).toEqual(duplicates);
  });

  it('keeps the first entries of each kind and counts the rest', () => {
    const { scenario: sc } = scenario('crash-duplicates');
    const recorder = new AnomalyRecorder(3);
    const sim = new Simulation(sc, { observers: [recorder] });
    recorder.attach(sim);
    const report = sim.run();
    const i = kindIndex('orderViolations');
    expect(recorder.counts[i]).toBe(report.totals.orderViolations);
    expect(report.totals.orderViolations).toBeGreaterThan(3);
    expect(recorder.entries.filter((e) => e.kind === i)).toHaveLength(3);
  });

  it('records nothing twice when the run is rewound and played on', () => {
    const straight = session('crash-duplicates');
    straight.finish();
    const s = session('crash-duplicates');
    s.advanceTo(30_000_000);
    const atThirty = s.anomalyList().entries.length;
    s.seek(4_000_000);
    // Rewound, the list still shows what was found up to 30 s (the student can jump to them).
    expect(s.anomalyList().entries.length).toBe(atThirty);
    s.seek(25_000_000);
    s.finish();
    expect(s.anomalyList()).toEqual(straight.anomalyList());
    expect(s.anomalyList(atThirty).entries).toEqual(straight.anomalyList().entries.slice(atThirty));
  });

  it('starts again on a reset or a live fault (the run after it is another run)', () => {
    const s = session('crash-duplicates');
    s.advanceTo(30_000_000);
    expect(s.anomalyList().entries.length).toBeGreaterThan(0);
    s.reset();
    expect(s.anomalyList().entries).toEqual([]);
    s.advanceTo(10_000_000);
    s.addFault({ crash: 'workers#1', restart: 1000 }, 10_000_000);
    const list = s.anomalyList();
    expect(list.entries.every((e) => e.timeUs <= 10_000_000)).toBe(true);
  });
});
