// `brokerlab calibrate` against a live RabbitMQ and NATS JetStream (a work-queue stream whose
// AckWait is the lesson's ackTimeout): the competing-consumers lesson (with its "add a fourth
// worker" action, at 600 orders/s instead of 900: the workers' nominal load 45%, so the
// broker keeps up on a shared 2-core machine, whose CPU contention stretches every processing
// and round trip; near saturation, 67%, one busy core drove both sides to seconds) is played
// twice, the simulator is given what was measured, and its numbers must match the broker's
// within the bands, widened by how much the broker's own runs differed from each other.
// A calibration taken while the client machine was overloaded says so (`overloadedRuns`): it
// measured the machine, not the broker, so it is taken again (at most ATTEMPTS times in all) and
// the last one is judged, whatever it says.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { applySet, parseScenarioText } from '../../sim-core/index';
import type { CalibrationResult } from '../../bench/cli/calibrate';
import { METRICS } from '../../bench/harness/metrics';
import { ROOT, cli, tempDir } from './live-cli';

// The p50 band: the calibration's ±15%, and on JetStream the light-load bias docs/semantics.md
// states as a limitation (one hop distribution for every hop: the model's p50 runs high, by
// +13% to +27% here over five calibrations at this load, against +3% to +14% on RabbitMQ).
const BROKERS = [
  { kind: 'rabbitmq', url: inject('amqpUrl'), label: 'real: RabbitMQ', p50Bias: 0 },
  { kind: 'nats', url: inject('natsUrl'), label: 'real: NATS', p50Bias: 0.15 },
] as const;
const dir = tempDir();
const ATTEMPTS = 3;

/** The lesson with one of its own "try this" actions applied, as the lab would. */
function lessonWith(set: Record<string, unknown>): string {
  const file = join(ROOT, 'examples/competing-consumers.yaml');
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error('the lesson does not parse');
  const changed = applySet(parsed.value, set);
  if (!changed.ok) throw new Error(JSON.stringify(changed.errors));
  const out = join(dir, 'four-workers.json');
  writeFileSync(out, JSON.stringify(changed.value));
  return out;
}

describe.each(BROKERS)('brokerlab calibrate on $kind', ({ kind, url, label, p50Bias }) => {
  it(
    'matches the simulator to the broker on competing consumers, within the run-to-run spread',
    async () => {
      const file = lessonWith({
        'consumers.workers.instances': 4,
        'producers.web.rate.perSecond': 600,
      });
      const html = join(dir, `calibration-${kind}.html`);
      const calibrateOnce = async () => {
        const r = await cli([
          'calibrate',
          file,
          '--broker',
          url,
          '--duration',
          '9s',
          '--reps',
          '2',
          '--seeds',
          '2',
          '--format',
          'json',
          '--out',
          html,
        ]);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as CalibrationResult;
      };
      let c = await calibrateOnce();
      for (let attempt = 2; attempt <= ATTEMPTS && c.overloadedRuns.length > 0; attempt++) {
        console.warn(`${kind}: attempt ${attempt - 1} was overloaded (${c.warnings.join('; ')})`);
        c = await calibrateOnce();
      }
      const why = JSON.stringify({ overloadedRuns: c.overloadedRuns, warnings: c.warnings });
      expect(c.backend.kind).toBe(kind);
      expect(c.realSeeds).toEqual([42, 43]);
      // The same seeds on both sides: each live run has a simulated twin with its arrivals.
      expect(c.simSeeds).toEqual(c.realSeeds);
      expect(c.metrics.map((m) => m.key)).toEqual(METRICS.map((m) => m.key));
      // What the simulator was given came from the broker: thousands of processings, a hop.
      expect(c.inputs.service.workers.samples).toBeGreaterThan(10_000);
      expect(c.inputs.hop.values.length).toBeGreaterThan(100);
      const row = (key: string) => c.metrics.find((m) => m.key === key)!;
      // A band can only be as tight as both sides repeat: near saturation a p50 swings with every
      // burst of arrivals, on the broker (whose runs differ by machine noise too) and in the model.
      // Widen it by each side's spread across its runs.
      const spread = (side: { min: number; max: number; median: number }) =>
        (side.max - side.min) / side.median;
      for (const [key, band] of [
        ['latencyP50Ms', 0.15 + p50Bias],
        ['latencyP99Ms', 0.25],
      ] as const) {
        const m = row(key);
        expect(
          Math.abs(m.relError!),
          `${key}: ${JSON.stringify({ real: m.real.values, sim: m.sim.values })} ${why}`,
        ).toBeLessThanOrEqual(band + spread(m.real) + spread(m.sim));
      }
      // Throughput is set by the arrivals while the workers keep up: both sides must see it.
      const processed = row('processedPerSec');
      expect(
        Math.abs(processed.relError!),
        `processed/s: ${JSON.stringify({ real: processed.real.values, sim: processed.sim.values })} ${why}`,
      ).toBeLessThan(0.05);
      for (const m of c.metrics) if (m.sameSign !== null) expect(m.sameSign, m.key).toBe(true);
      expect(row('lost').real.max).toBe(0);
      // The HTML report overlays the two sides' CDFs.
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('End-to-end latency CDF');
      expect(page).toContain(label);
      expect(page).toContain('sim: simulator');
    },
    ATTEMPTS * 80_000,
  );
});
