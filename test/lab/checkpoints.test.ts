// Seek checkpoints: a seek back restores the latest checkpoint at or before its time, so it
// replays at most one spacing of events; their number stays bounded however long the run.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, Simulation, validateScenario } from '../../sim-core/index';
import { AnomalyRecorder } from '../../src/worker/anomaly-recorder';
import { Checkpoints, MAX_CHECKPOINTS } from '../../src/worker/checkpoints';
import { EventLog } from '../../src/worker/event-log';
import { LiveMetrics } from '../../src/worker/live-metrics';

const file = 'examples/competing-consumers.yaml';

function run(every: number) {
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error('parse');
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error('validate');
  const log = new EventLog();
  const live = new LiveMetrics();
  const anomalies = new AnomalyRecorder();
  const sim = new Simulation(v.scenario, { observers: [log, anomalies], samplers: [live] });
  live.attach(sim);
  anomalies.attach(sim);
  const shared = new Set([v.scenario, log, live.kept, anomalies.entries, anomalies.counts]);
  const cps = new Checkpoints(log, shared, every);
  const parts = { sim, live, anomalies };
  cps.offer(parts);
  /** Runs to `us` offering a checkpoint every 1,000 events; returns each offer's time. */
  const advance = (us: number) => {
    while (!sim.done && sim.nowUs < us) {
      sim.advance(us, 1000);
      cps.offer(parts);
    }
  };
  return { sim, log, cps, advance };
}

describe('seek checkpoints', () => {
  it('a restore lands at or before the seek time, at most one spacing of events before it', () => {
    const r = run(10_000);
    r.advance(30_000_000);
    // The events a straight run has handled by 12 s: the restored run is within one spacing.
    const at12 = run(Infinity);
    at12.advance(12_000_000);
    const back = r.cps.restore(12_000_000);
    expect(back.sim.nowUs).toBeLessThanOrEqual(12_000_000);
    expect(back.sim.nowUs).toBeGreaterThan(11_000_000);
    expect(at12.sim.events - back.sim.events).toBeLessThanOrEqual(10_000 + 1000);
    // The log is wound back to the checkpoint's events, nothing after it.
    expect(r.log.total).toBeLessThanOrEqual(at12.log.total);
    // Later checkpoints are gone; a second restore of the same one is a fresh copy.
    const again = r.cps.restore(29_000_000);
    expect(again.sim.nowUs).toBe(back.sim.nowUs);
    expect(again.sim === back.sim).toBe(false); // (not.toBe would print both runs)
  });

  it('stays bounded: past the limit every other one goes and the spacing doubles', () => {
    const r = run(1_000);
    r.advance(60_000_000);
    expect(r.sim.events).toBeGreaterThan(1_000 * MAX_CHECKPOINTS * 3);
    expect(r.cps.count).toBeLessThanOrEqual(MAX_CHECKPOINTS);
    expect(r.cps.count).toBeGreaterThan(MAX_CHECKPOINTS / 4);
  });

  it('takes none while the log keeps a sample only (at max), so restores keep whole histories', () => {
    const r = run(1_000);
    r.log.sampleMask = 7;
    r.advance(10_000_000);
    expect(r.cps.count).toBe(1); // the one at time 0
    expect(r.cps.restore(9_000_000).sim.nowUs).toBe(0);
  });
});
