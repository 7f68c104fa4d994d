// Seeking the lab's run: back is a replay from the nearest checkpoint, so whichever way the
// slider moves, the run lands on the state it had at that time (trace hash so far, counters,
// nodes, charts, the inspector's log) and plays on to the CLI's report.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Simulation, parseScenarioText, validateScenario } from '../../sim-core/index';
import { LabSession } from '../../src/worker/lab-session';
import type { Frame } from '../../src/shared/protocol';

const file = 'examples/crash-duplicates.yaml';
const text = readFileSync(file, 'utf8');

function simulation(seed?: number): Simulation {
  const parsed = parseScenarioText(text, file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { seed });
}

/** The hash so far of a plain run (no lab) to `us`. */
function hashAt(us: number): string {
  const sim = simulation();
  sim.advance(us);
  return sim.traceHash;
}

function loaded(checkpointEvery?: number): LabSession {
  const s = new LabSession(checkpointEvery);
  const r = s.load(text, file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return s;
}

/** What a user sees at a frame: hash, counters, node state, per-node numbers. */
function seen(f: Frame) {
  return {
    nowUs: f.nowUs,
    traceHash: f.traceHash,
    totals: f.totals,
    state: f.state,
    stats: f.stats,
    done: f.done,
  };
}

describe('seeking the lab run', () => {
  it('rewinding to 5 s after playing to 20 s gives the hash so far of playing to 5 s', () => {
    const s = loaded();
    s.advanceTo(20_000_000);
    const back = s.seek(5_000_000);
    expect(back.nowUs).toBe(5_000_000);
    expect(back.traceHash).toBe(hashAt(5_000_000));
    expect(back.traceHash).not.toBe(hashAt(20_000_000));
    expect(seen(back)).toEqual(seen(loaded().advanceTo(5_000_000)));
  });

  it('lands on the same state seeking back and forth, and on the whole series up to there', () => {
    const s = loaded();
    for (const us of [20_000_000, 5_000_000, 12_345_678, 30_000_000, 12_345_678, 0]) {
      const f = s.seek(us);
      const straight = loaded().advanceTo(us);
      expect(seen(f), `at ${us} µs`).toEqual(seen(straight));
      expect(f.traceHash).toBe(hashAt(us));
      // The charts start again from the seek frame's series: every point up to `us`.
      expect(f.series).toEqual(straight.series);
    }
  });

  it('plays on after a rewind to the CLI’s report, sending each series point once', () => {
    const s = loaded();
    s.advanceTo(25_000_000);
    const back = s.seek(5_000_000);
    const points = [...back.series.tMs];
    let f = back;
    for (let t = 5_000_000; !f.done;) {
      f = s.advanceTo((t += 3_000_000));
      points.push(...f.series.tMs);
    }
    const report = simulation().run();
    expect(f.report?.traceHash).toBe(report.traceHash);
    expect(f.report?.totals).toEqual(report.totals);
    expect(points).toEqual(report.series.t);
  });

  it('gives the event log the latest events before the seek time, nothing after it', () => {
    const s = loaded();
    s.advanceTo(20_000_000);
    const ev = s.seek(5_000_000).events;
    expect(ev.count).toBeGreaterThan(10);
    expect(ev.count).toBeLessThanOrEqual(80);
    expect(Math.max(...ev.timeUs)).toBeLessThanOrEqual(5_000_000);
    // The inspector reads the replayed log: a message's life up to the seek time.
    const life = s.lifecycle('web:10')!;
    expect(life.entries.length).toBeGreaterThan(3);
    expect(life.entries.every((e) => e.timeUs <= 5_000_000)).toBe(true);
  });

  it('a live fault after a rewind goes into the timeline at the rewound time', () => {
    const s = loaded();
    s.advanceTo(20_000_000);
    s.seek(3_000_000);
    const added = s.addFault({ crash: 'workers#1', restart: 1000 }, 3_000_000);
    expect(added.ok && added.text).toContain(
      '{ at: 3000001us, crash: workers#1, restart: 1000ms }',
    );
  });

  // The log is one tape of the run: played at "max" it keeps a sample, so what a checkpoint
  // says of the log holds only for the pass that took it.
  /** Plays at "max" in frames of 250 ms: each frame's sample decides what the next one logs. */
  function playAtMax(s: LabSession, fromUs: number, toUs: number): void {
    for (let t = fromUs; t < toUs;)
      s.advanceTo((t += 250_000), { logSampledOnly: true, maxEvents: 50 });
  }

  /** The inspector's lives of 25 messages spread over what was published by the frame. */
  function lives(s: LabSession, f: Frame) {
    const n = f.totals.published;
    return Array.from({ length: 25 }, (_, i) => s.lifecycle(`web:${Math.floor((i * n) / 25)}`));
  }

  it('after playing at max, a seek back gives the inspector whole lives, as a fresh run does', () => {
    const s = loaded(2_000);
    playAtMax(s, 0, 10_000_000);
    s.advanceTo(20_000_000); // at 1×: the log is whole from here, but not before
    const f = s.seek(15_000_000);
    const straight = loaded();
    const g = straight.seek(15_000_000);
    expect(f.events).toEqual(g.events);
    expect(lives(s, f).every((l) => l !== null && !l.partial)).toBe(true);
    expect(lives(s, f)).toEqual(lives(straight, g));
  });

  it('a seek back drops the checkpoints after it: the log after them is logged again', () => {
    const s = loaded(2_000);
    s.advanceTo(20_000_000); // checkpoints all the way, the log whole
    s.seek(5_000_000);
    playAtMax(s, 5_000_000, 15_000_000); // the same stretch logged as a sample: other log indices
    const f = s.seek(12_000_000);
    const straight = loaded();
    const g = straight.seek(12_000_000);
    expect(f.traceHash).toBe(g.traceHash);
    expect(f.events).toEqual(g.events);
    expect(lives(s, f)).toEqual(lives(straight, g));
  });
});
