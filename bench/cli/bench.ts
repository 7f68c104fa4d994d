// `brokerlab bench`: the engine's speed beside a hand-written baseline, and how its cost scales,
// as ratios measured in this process: each round times A and B by CPU time, alternating which
// goes first, and the median and range of the per-round ratios are reported (the machine is
// shared and noisy: one absolute time means little). Memory is measured in child processes.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Simulation } from '../../sim-core/index';
import { runBaselineMmc } from '../baseline-mmc';
import {
  logReference,
  mm4Reference,
  mm4WithLatency,
  prefetchReference,
  quorumReference,
  topicReference,
} from '../reference';
import { validateOrThrow } from './load';
import { columns, count, sig3 } from './format';
import { measureMemory } from './bench-memory';
import type { MemoryResult } from './bench-memory';

/** A ratio over rounds: median and range. */
export interface Ratio {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export interface SpeedRow {
  name: string;
  messages: number;
  events: number;
  /** Engine messages per CPU second (best round). */
  messagesPerCpuSec: number;
  /** Engine ÷ baseline, messages per CPU second, per round. */
  ratioToBaseline: Ratio;
}

export interface ScalingRow {
  name: string;
  /** Cost per unit (record, copy) of the large case ÷ the small one, per round. */
  costRatio: Ratio;
  /** The acceptance bound the ratio should stay under. */
  limit: number;
}

export interface BenchResult {
  node: string;
  quick: boolean;
  baseline: { messages: number; messagesPerCpuSec: number };
  speed: SpeedRow[];
  scaling: ScalingRow[];
  memory: MemoryResult | null;
}

/** CPU milliseconds of this process (all its threads: GC included). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs a scenario to the end: CPU ms, and what it processed. */
function timeEngine(raw: Record<string, unknown>): {
  ms: number;
  processed: number;
  events: number;
} {
  const scenario = validateOrThrow(raw);
  const t0 = cpuMs();
  const r = new Simulation(scenario).run();
  return { ms: cpuMs() - t0, processed: r.totals.processed, events: r.events };
}

function timeBaseline(messages: number): number {
  const t0 = cpuMs();
  runBaselineMmc(3600, 1, 4, messages);
  return cpuMs() - t0;
}

/** Median and range of per-round values. */
export function ratioOf(values: number[]): Ratio {
  const v = [...values].sort((a, b) => a - b);
  return { median: v[v.length >> 1], min: v[0], max: v[v.length - 1], rounds: v.length };
}

/** `rounds` rounds of A then B (B then A on odd rounds); returns each round's pair. */
function alternate<A, B>(rounds: number, a: () => A, b: () => B): Array<[A, B]> {
  const out: Array<[A, B]> = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      const x = a();
      out.push([x, b()]);
    } else {
      const y = b();
      out.push([a(), y]);
    }
  }
  return out;
}

export function runBench(quick: boolean): BenchResult {
  const n = quick ? 200_000 : 2_000_000;
  const rounds = quick ? 3 : 5;
  // Warm up both so the JIT has compiled the hot paths before anything is timed.
  timeBaseline(50_000);
  timeEngine(mm4Reference(50_000));
  let baselineBest = 0;
  const cases: Array<[string, Record<string, unknown>]> = [
    ['M/M/4 reference', mm4Reference(n)],
    ['M/M/4 with 1 ms hops', mm4WithLatency(n)],
    ['prefetch 10, keyed', prefetchReference(n)],
    ['3 nodes, quorum queue, confirms', quorumReference(n)],
  ];
  const speed = cases.map(([name, raw]): SpeedRow => {
    let best = { ms: Infinity, processed: 0, events: 0 };
    const pairs = alternate(
      rounds,
      () => timeBaseline(n),
      () => timeEngine(raw),
    );
    const ratios = pairs.map(([baseMs, e]) => {
      if (e.ms < best.ms) best = e;
      baselineBest = Math.max(baselineBest, (n / baseMs) * 1000);
      return e.processed / e.ms / (n / baseMs);
    });
    return {
      name,
      messages: best.processed,
      events: best.events,
      messagesPerCpuSec: (best.processed / best.ms) * 1000,
      ratioToBaseline: ratioOf(ratios),
    };
  });
  const scale = quick ? 0.2 : 1;
  const scaling: ScalingRow[] = [
    scalingRow(
      'log: 1,000 partitions vs 1, cost per record',
      rounds,
      1.2,
      () => timeEngine(logReference(1000, 300_000 * scale)),
      () => timeEngine(logReference(1, 300_000 * scale)),
    ),
    scalingRow(
      'topic: 100 subscriptions vs 1, cost per copy',
      rounds,
      1.3,
      () => timeEngine(topicReference(100, 6_000 * scale)),
      () => timeEngine(topicReference(1, 600_000 * scale)),
    ),
  ];
  return {
    node: process.version,
    quick,
    baseline: { messages: n, messagesPerCpuSec: baselineBest },
    speed,
    scaling,
    memory: quick ? null : measureMemory(),
  };
}

function scalingRow(
  name: string,
  rounds: number,
  limit: number,
  large: () => { ms: number; processed: number },
  small: () => { ms: number; processed: number },
): ScalingRow {
  large();
  small();
  const pairs = alternate(rounds, large, small);
  const ratios = pairs.map(([l, s]) => l.ms / l.processed / (s.ms / s.processed));
  return { name, costRatio: ratioOf(ratios), limit };
}

const range = (r: Ratio) => `${sig3(r.median)} (${sig3(r.min)}–${sig3(r.max)})`;

export function benchTable(b: BenchResult): string {
  const lines = [
    `Engine speed (${b.quick ? 'quick' : 'full'}; Node ${b.node}), by CPU time, median (range) of ${b.speed[0]?.ratioToBaseline.rounds ?? 0} alternating rounds`,
    `baseline: a hand-written typed-array M/M/4 loop (Math.random, Math.log), ${sig3(b.baseline.messagesPerCpuSec / 1e6)}M msg per CPU s`,
    columns([
      ['scenario', 'messages', 'events', 'msg per CPU s', 'ratio to baseline'],
      ...b.speed.map((r) => [
        r.name,
        count(r.messages),
        count(r.events),
        count(r.messagesPerCpuSec),
        range(r.ratioToBaseline),
      ]),
    ]),
    '',
    'Cost scaling (large ÷ small case, cost per unit of work)',
    columns([
      ['case', 'ratio', 'target'],
      ...b.scaling.map((r) => [r.name, range(r.costRatio), `≤ ${r.limit}`]),
    ]),
  ];
  if (b.memory) {
    const m = b.memory;
    lines.push('', 'Memory (separate processes, peak RSS)');
    lines.push(
      columns([
        [
          'backlog of 1,000,000 queued messages',
          `${sig3(m.backlogBytesPerMessage)} bytes per message`,
        ],
        ['1,000,000-message run, peak RSS', `${sig3(m.peakRss1M / 1e6)} MB`],
        [
          '10,000,000-message run, peak RSS',
          `${sig3(m.peakRss10M / 1e6)} MB (${sig3((m.peakRss10M / m.peakRss1M - 1) * 100)}% over 1M)`,
        ],
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

export function benchCommand(opts: { quick: boolean; out?: string }): number {
  process.stderr.write(
    opts.quick
      ? 'running the quick benchmark (under a minute)...\n'
      : 'running the benchmark (a few minutes)...\n',
  );
  const result = runBench(opts.quick);
  process.stdout.write(benchTable(result));
  const out = opts.out ?? 'bench/results/latest.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stderr.write(`saved ${out}\n`);
  return 0;
}
