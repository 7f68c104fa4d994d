// `brokerlab bench`: the engine's speed on the reference scenarios beside the hand-written
// M/M/4 baseline measured in the same process, plus memory checks in child processes.
// Printed as a table and saved as JSON, so a change in speed shows up as a ratio.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Simulation } from '../../sim-core/index';
import { runBaselineMmc } from '../baseline-mmc';
import { mm4Reference, mm4WithLatency, prefetchReference } from '../reference';
import { validateOrThrow } from './load';
import { columns, count, sig3 } from './format';
import { measureMemory } from './bench-memory';
import type { MemoryResult } from './bench-memory';

export interface SpeedRow {
  name: string;
  messages: number;
  events: number;
  wallMs: number;
  messagesPerSec: number;
  eventsPerSec: number;
  /** messagesPerSec ÷ the baseline's, measured in the same process. */
  ratioToBaseline: number;
}

export interface BenchResult {
  node: string;
  quick: boolean;
  baseline: { messages: number; wallMs: number; messagesPerSec: number };
  speed: SpeedRow[];
  memory: MemoryResult | null;
}

/** Best of `repeats` timings: the least disturbed by the rest of the machine. */
function best<T extends { wallMs: number }>(repeats: number, run: () => T): T {
  let result = run();
  for (let i = 1; i < repeats; i++) {
    const r = run();
    if (r.wallMs < result.wallMs) result = r;
  }
  return result;
}

function timeEngine(raw: Record<string, unknown>, repeats: number) {
  const scenario = validateOrThrow(raw);
  return best(repeats, () => {
    const t0 = performance.now();
    const r = new Simulation(scenario).run();
    return { wallMs: performance.now() - t0, events: r.events, messages: r.totals.processed };
  });
}

export function runBench(quick: boolean): BenchResult {
  const n = quick ? 200_000 : 2_000_000;
  const repeats = quick ? 2 : 3;
  // Warm up both so the JIT has compiled the hot paths before anything is timed.
  runBaselineMmc(3600, 1, 4, 50_000, () => performance.now());
  timeEngine(mm4Reference(50_000), 1);
  const base = best(repeats, () => runBaselineMmc(3600, 1, 4, n, () => performance.now()));
  const baselinePerSec = (base.messages / base.wallMs) * 1000;
  const cases: Array<[string, Record<string, unknown>]> = [
    ['M/M/4 reference', mm4Reference(n)],
    ['M/M/4 with 1 ms hops', mm4WithLatency(n)],
    ['prefetch 10, keyed', prefetchReference(n)],
  ];
  const speed = cases.map(([name, raw]) => {
    const r = timeEngine(raw, repeats);
    const messagesPerSec = (r.messages / r.wallMs) * 1000;
    return {
      name,
      messages: r.messages,
      events: r.events,
      wallMs: r.wallMs,
      messagesPerSec,
      eventsPerSec: (r.events / r.wallMs) * 1000,
      ratioToBaseline: messagesPerSec / baselinePerSec,
    };
  });
  return {
    node: process.version,
    quick,
    baseline: { messages: base.messages, wallMs: base.wallMs, messagesPerSec: baselinePerSec },
    speed,
    memory: quick ? null : measureMemory(),
  };
}

export function benchTable(b: BenchResult): string {
  const lines = [
    `Engine speed (${b.quick ? 'quick' : 'full'}; Node ${b.node}); baseline: hand-written typed-array M/M/4 loop, ${sig3(b.baseline.messagesPerSec / 1e6)}M msg/s`,
    columns([
      ['scenario', 'messages', 'wall s', 'msg/s', 'events/s', 'ratio to baseline'],
      ...b.speed.map((r) => [
        r.name,
        count(r.messages),
        sig3(r.wallMs / 1000),
        count(r.messagesPerSec),
        count(r.eventsPerSec),
        sig3(r.ratioToBaseline),
      ]),
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
      ? 'running the quick benchmark (a few seconds)...\n'
      : 'running the benchmark (about a minute)...\n',
  );
  const result = runBench(opts.quick);
  process.stdout.write(benchTable(result));
  const out = opts.out ?? 'bench/results/latest.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stderr.write(`saved ${out}\n`);
  return 0;
}
