// Measures the engine at the working tree against the engine at an earlier git ref, in one
// process and one run: both are loaded side by side and timed alternately on the reference
// scenarios, so machine noise hits both alike. Usage: npx tsx bench/tools/compare-engines.ts REF
// (REF defaults to the commit before the broker-semantics work).

import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { mm4Reference, mm4WithLatency, prefetchReference } from '../reference';
import { runBaselineMmc } from '../baseline-mmc';

interface EngineModules {
  Simulation: new (s: unknown) => { run(): { totals: { processed: number }; traceHash: string } };
  validateScenario: (v: unknown) => { ok: boolean; scenario?: unknown; errors?: unknown };
}

const REF = process.argv[2] ?? '3e4790b';
const MESSAGES = Number(process.argv[3] ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

async function load(root: string): Promise<EngineModules> {
  const core = await import(resolve(root, 'sim-core/index.ts'));
  const scenario = await import(resolve(root, 'sim-core/scenario/index.ts'));
  return { Simulation: core.Simulation, validateScenario: scenario.validateScenario };
}

function timeRun(m: EngineModules, raw: unknown): number {
  const v = m.validateScenario(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const t0 = performance.now();
  const r = new m.Simulation(v.scenario).run();
  const ms = performance.now() - t0;
  if (r.totals.processed <= 0) throw new Error('nothing processed');
  return ms;
}

async function main(): Promise<void> {
  const dir = resolve('.bench-ref');
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', dir, REF], { stdio: 'ignore' });
  try {
    const before = await load(dir);
    const now = await load('.');
    const cases: Array<[string, unknown]> = [
      ['M/M/4 reference', mm4Reference(MESSAGES)],
      ['M/M/4 with 1 ms hops', mm4WithLatency(MESSAGES)],
      ['prefetch 10, keyed', prefetchReference(MESSAGES)],
    ];
    timeRun(before, mm4Reference(50_000));
    timeRun(now, mm4Reference(50_000));
    let base = Infinity;
    for (let i = 0; i < ROUNDS; i++)
      base = Math.min(base, runBaselineMmc(3600, 1, 4, MESSAGES, () => performance.now()).wallMs);
    console.log(`baseline loop: ${((MESSAGES / base) * 1000).toFixed(0)} msg/s`);
    console.log(
      `scenario | ${REF} msg/s (best) | now msg/s (best) | now/before (median of rounds) | now/baseline`,
    );
    for (const [name, raw] of cases) {
      // Alternate which engine runs first, and take the median of the per-round ratios: on a
      // noisy machine a best-of comparison of two series drifts with whoever ran first.
      const ratios: number[] = [];
      let bestBefore = Infinity;
      let bestNow = Infinity;
      for (let i = 0; i < ROUNDS; i++) {
        const first = i % 2 === 0;
        const a1 = first ? timeRun(before, raw) : 0;
        const b = timeRun(now, raw);
        const a = first ? a1 : timeRun(before, raw);
        ratios.push(a / b);
        bestBefore = Math.min(bestBefore, a);
        bestNow = Math.min(bestNow, b);
      }
      ratios.sort((x, y) => x - y);
      const median = ratios[Math.floor(ratios.length / 2)];
      const rate = (ms: number) => (MESSAGES / ms) * 1000;
      console.log(
        `${name} | ${rate(bestBefore).toFixed(0)} | ${rate(bestNow).toFixed(0)} | ${median.toFixed(3)} | ${(base / bestNow).toFixed(3)}`,
      );
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' });
  }
}

await main();
