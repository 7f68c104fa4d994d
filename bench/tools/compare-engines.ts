// Measures the engine at the working tree against the engine at an earlier git ref, in one
// process: each side is bundled with esbuild (as the CLI and the lab ship it; TypeScript run
// through a loader is several times slower and would measure the loader) and timed by CPU time
// on the reference scenarios in alternating rounds; the median and range of per-round ratios
// are printed. Usage: npx tsx bench/tools/compare-engines.ts [REF] [MESSAGES] (ROUNDS=5)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ratioOf } from '../cli/bench';

const REF = process.argv[2] ?? 'HEAD';
const MESSAGES = Number(process.argv[3] ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
/** CASES=mm4,hops: only these reference cases (default: all three). */
const CASES = (process.env.CASES ?? 'mm4,hops,prefetch').split(',');

interface Side {
  /** CPU ms of one run of the named reference case. */
  time(caseName: string, messages: number): number;
}

/** An entry that imports one tree's engine and reference scenarios, bundled to one file. */
async function bundle(root: string, out: string): Promise<Side> {
  const entry = out.replace(/\.mjs$/, '.entry.ts');
  writeFileSync(
    entry,
    // validateScenario from the scenario layer's own index: older trees do not re-export it.
    `import { Simulation } from ${JSON.stringify(`${root}/sim-core/index`)};
import { validateScenario } from ${JSON.stringify(`${root}/sim-core/scenario/index`)};
import * as ref from ${JSON.stringify(`${root}/bench/reference`)};
export function time(name, messages) {
  const raw = { mm4: ref.mm4Reference, hops: ref.mm4WithLatency, prefetch: ref.prefetchReference }[name](messages);
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const u0 = process.cpuUsage();
  const r = new Simulation(v.scenario).run();
  const u = process.cpuUsage(u0);
  if (r.totals.processed !== messages) throw new Error('not every message was processed');
  return (u.user + u.system) / 1000;
}
`,
  );
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  rmSync(entry);
  return (await import(pathToFileURL(out).href)) as Side;
}

async function main(): Promise<void> {
  const dir = resolve('.bench-ref');
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', dir, REF], { stdio: 'ignore' });
  const outDir = resolve('out/compare-engines');
  mkdirSync(outDir, { recursive: true });
  try {
    const before = await bundle(dir, `${outDir}/before.mjs`);
    const now = await bundle(resolve('.'), `${outDir}/now.mjs`);
    before.time('mm4', 50_000);
    now.time('mm4', 50_000);
    console.log(
      `${REF} → working tree, ${MESSAGES} messages, ${ROUNDS} alternating rounds, CPU time`,
    );
    console.log(
      'scenario | before ÷ now CPU time: median (range) — above 1, the working tree is faster',
    );
    for (const name of CASES) {
      const ratios: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const a = i % 2 === 0 ? before.time(name, MESSAGES) : 0;
        const b = now.time(name, MESSAGES);
        ratios.push((i % 2 === 0 ? a : before.time(name, MESSAGES)) / b);
      }
      const r = ratioOf(ratios);
      console.log(`${name} | ${r.median.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`);
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' });
  }
}

await main();
