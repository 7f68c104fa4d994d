// `brokerlab calibrate`: plays the scenario on a live broker R times, feeds what was measured
// there (each consumer's service times, one network hop) back into the scenario as `empirical`
// distributions, runs the simulator on K seeds, and sets every metric side by side.

import { writeFileSync } from 'node:fs';
import { applySet } from '../../sim-core/index';
import type { Report, Scenario } from '../../sim-core/index';
import { readScenarioValue, validateOrThrow, withOverrides } from './load';
import type { Overrides } from './load';
import { UsageError } from './errors';
import { checkWritable } from './writable';
import { count, sig3 } from './format';
import { runSimulation } from './run';
import { parseDrainMs } from './real';
import { backendOf, checkPlayable, runOnBroker } from '../real/backends';
import type { RealReport } from '../real/real-report';
import type { HopSamples } from '../real/hop-samples';
import { latencyQuantilesMs } from '../harness/latency-cdf';
import {
  MEDIAN_BAND,
  TAIL_BAND,
  agrees,
  compareMetrics,
  overloadNote,
  quantilePoints,
} from '../harness/calibration';
import type { MetricComparison } from '../harness/calibration';
import { calibrateHtml } from '../harness/calibrate-html';
import { textTable } from '../harness/text-table';

export interface CalibrateCommand {
  file: string;
  broker: string | undefined;
  seed?: number;
  reps: number;
  seeds: number;
  format: 'table' | 'json';
  out?: string;
  nagle: boolean;
  drain?: string;
  overrides: Overrides;
}

export interface CalibrationResult {
  scenario: string;
  backend: RealReport['backend'];
  /** The live runs' seeds, then the simulator's. */
  realSeeds: number[];
  simSeeds: number[];
  /** What the simulator was given: per consumer id, and the hop with what it was measured from. */
  inputs: {
    service: Record<string, { samples: number; values: number[] }>;
    hop: { source: HopSamples['source']; samples: number; values: number[] };
  };
  metrics: MetricComparison[];
  /** Every banded latency inside its band and every anomaly of the same sign. */
  agrees: boolean;
  cdf: {
    real: Array<{ seed: number; latencyQuantilesMs: number[] | null }>;
    sim: Array<{ seed: number; latencyQuantilesMs: number[] | null }>;
  };
  /** Seeds of the live runs during which the client machine was overloaded: their numbers (and
   * the distributions measured in them) include its queueing, so the comparison is not valid. */
  overloadedRuns: number[];
  warnings: string[];
}

/** The scenario with the measured distributions in place of the written ones. */
function calibrated(raw: unknown, s: Scenario, inputs: CalibrationResult['inputs']): Scenario {
  const set: Record<string, unknown> = {};
  for (const c of s.consumers) {
    const measured = inputs.service[c.id];
    if (measured.values.length > 0)
      set[`consumers.${c.id}.service`] = { kind: 'empirical', values: measured.values };
  }
  if (inputs.hop.values.length > 0)
    set['network.latency'] = { kind: 'empirical', values: inputs.hop.values };
  const result = applySet(raw, set);
  if (!result.ok) throw new UsageError(result.errors.map((e) => `${e.path}: ${e.message}`));
  return validateOrThrow(result.value);
}

export async function calibrate(cmd: CalibrateCommand): Promise<CalibrationResult> {
  const kind = backendOf(cmd.broker);
  const raw = withOverrides(readScenarioValue(cmd.file), cmd.overrides);
  const scenario = validateOrThrow(raw);
  checkPlayable(scenario, kind, cmd.nagle);
  const drainMs = parseDrainMs(cmd.drain);
  const base = cmd.seed ?? scenario.seed;
  const realSeeds = Array.from({ length: cmd.reps }, (_, i) => base + i);
  const simSeeds = Array.from({ length: cmd.seeds }, (_, i) => base + i);

  const reports: RealReport[] = [];
  const service = scenario.consumers.map((): number[] => []);
  const hops: number[] = [];
  let hopSource: HopSamples['source'] = 'consumer gaps';
  const realCdf: CalibrationResult['cdf']['real'] = [];
  const warnings: string[] = [];
  const overloadedRuns: number[] = [];
  for (const seed of realSeeds) {
    process.stderr.write(
      `live run ${reports.length + 1}/${cmd.reps} on ${cmd.broker} (seed ${seed})…\n`,
    );
    const run = await runOnBroker(kind, scenario, {
      url: cmd.broker!,
      seed,
      nagle: cmd.nagle,
      drainMs,
    });
    reports.push(run.report);
    run.service.forEach((v, i) => service[i].push(...v));
    hops.push(...run.hop.values);
    if (run.hop.source === 'publisher confirms') hopSource = run.hop.source;
    realCdf.push({ seed, latencyQuantilesMs: run.endToEndCdfMs });
    if (run.overloaded) overloadedRuns.push(seed);
    for (const w of run.report.warnings) warnings.push(`live run seed ${seed}: ${w}`);
  }
  const inputs: CalibrationResult['inputs'] = {
    service: Object.fromEntries(
      scenario.consumers.map((c, i) => [
        c.id,
        { samples: service[i].length, values: quantilePoints(service[i]) },
      ]),
    ),
    hop: { source: hopSource, samples: hops.length, values: quantilePoints(hops) },
  };
  const model = calibrated(raw, scenario, inputs);

  process.stderr.write(`simulating ${cmd.seeds} seeds with the measured distributions…\n`);
  const sims: Report[] = [];
  const simCdf: CalibrationResult['cdf']['sim'] = [];
  for (const seed of simSeeds)
    sims.push(
      runSimulation(model, seed, undefined, undefined, undefined, (sim) =>
        simCdf.push({ seed, latencyQuantilesMs: latencyQuantilesMs(sim.collector.endToEnd) }),
      ),
    );
  const metrics = compareMetrics(reports, sims);
  return {
    scenario: scenario.name,
    backend: reports[0].backend,
    realSeeds,
    simSeeds,
    inputs,
    metrics,
    agrees: agrees(metrics),
    cdf: { real: realCdf, sim: simCdf },
    overloadedRuns,
    warnings,
  };
}

const pct = (x: number | null) => (x === null ? '–' : `${x > 0 ? '+' : ''}${sig3(x * 100)}%`);
const side = (s: MetricComparison['real']) =>
  s.min === s.max ? sig3(s.median) : `${sig3(s.median)} (${sig3(s.min)}–${sig3(s.max)})`;

function verdict(m: MetricComparison): string {
  if (m.sameSign !== null) return m.sameSign ? 'same sign' : 'SIGN DIFFERS';
  if (m.withinBand !== null)
    return m.withinBand ? `within ±${m.band! * 100}%` : `OUTSIDE ±${m.band! * 100}%`;
  return '';
}

const quantiles = (values: readonly number[]) => {
  const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
  return values.length === 0 ? 'none measured' : `p50 ${sig3(q(0.5))} · p99 ${sig3(q(0.99))} ms`;
};

export function calibrationTable(r: CalibrationResult): string {
  const b = r.backend;
  const rows = [
    [
      'metric',
      `${b.kind === 'rabbitmq' ? 'RabbitMQ' : 'NATS'} median (range)`,
      'simulator median (range)',
      'rel. error',
      '',
    ],
    ...r.metrics.map((m) => [
      `${m.label}${m.unit === 'messages' ? '' : ` (${m.unit})`}`,
      side(m.real),
      side(m.sim),
      pct(m.relError),
      verdict(m),
    ]),
  ];
  const lines = [
    `${r.scenario}: ${r.realSeeds.length} live runs on ${b.kind === 'rabbitmq' ? 'RabbitMQ' : 'NATS'} ${b.version} at ${b.url}, ${r.simSeeds.length} simulated seeds`,
    '',
    'Fed to the simulator (measured on the broker)',
    textTable(
      [
        ...Object.entries(r.inputs.service).map(([id, s]) => [
          `${id} service`,
          quantiles(s.values),
          `(${count(s.samples)} processings)`,
        ]),
        [
          'network hop',
          quantiles(r.inputs.hop.values),
          `(${count(r.inputs.hop.samples)} ${r.inputs.hop.source})`,
        ],
      ],
      ['left', 'left', 'left'],
    ),
    '',
    textTable(rows, ['left', 'right', 'right', 'right', 'left']),
    '',
    r.agrees
      ? `The simulator agrees: p50 within ±${MEDIAN_BAND * 100}%, p99 within ±${TAIL_BAND * 100}%, every anomaly with the broker's sign.`
      : `The simulator does NOT agree on the marked rows (bands: p50 ±${MEDIAN_BAND * 100}%, p99 ±${TAIL_BAND * 100}%, anomalies by sign).`,
    ...(r.overloadedRuns.length === 0 ? [] : [overloadNote(r.overloadedRuns)]),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n') + '\n';
}

export async function calibrateCommand(cmd: CalibrateCommand): Promise<number> {
  if (cmd.out !== undefined && !/\.(json|html)$/.test(cmd.out))
    throw new UsageError([`--out: must end in .json or .html (got "${cmd.out}")`]);
  checkWritable('--out', cmd.out);
  const r = await calibrate(cmd);
  process.stdout.write(
    cmd.format === 'json' ? JSON.stringify(r, null, 2) + '\n' : calibrationTable(r),
  );
  if (cmd.out) {
    writeFileSync(
      cmd.out,
      cmd.out.endsWith('.html') ? calibrateHtml(r) : JSON.stringify(r, null, 2) + '\n',
    );
    process.stderr.write(`wrote the calibration to ${cmd.out}\n`);
  }
  return 0;
}
