// The trace hash is a property of (scenario, seed), not of the JavaScript engine: the engine,
// bundled by esbuild as the lab ships it, runs lessons in SpiderMonkey (Debian's js102) and
// JavaScriptCore (jsc) shells and must give Node's hashes bit for bit. Float formatting, Math
// functions and sort stability differ between engines; the engine must not depend on them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulation, parseScenarioText, validateScenario } from '../../sim-core/index';
import type { Scenario } from '../../sim-core/index';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SHELLS = [
  { name: 'SpiderMonkey', bin: '/usr/bin/js102', pkg: 'libmozjs-102-dev' },
  { name: 'JavaScriptCore', bin: '/usr/bin/jsc', pkg: 'libjavascriptcoregtk-4.0-bin' },
];
/** Every lesson, each run as written: between them they touch every model and fault. */
const LESSONS = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

function lesson(name: string): Scenario {
  const file = join(ROOT, 'examples', `${name}.yaml`);
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(`${name}: ${JSON.stringify(v.errors)}`);
  return v.scenario;
}

let dir: string;
let bundle: string;
const scenarios = LESSONS.map((name) => ({ name, scenario: lesson(name) }));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brokerlab-cross-engine-'));
  const entry = join(dir, 'entry.ts');
  // The shells have print() and nothing of Node or the DOM: the bundle prints one line per run.
  writeFileSync(
    entry,
    `import { Simulation } from ${JSON.stringify(join(ROOT, 'sim-core', 'index'))};
declare const print: (s: string) => void;
const runs: Array<{ name: string; scenario: any }> = ${JSON.stringify(scenarios)};
for (const r of runs) print(r.name + ' ' + new Simulation(r.scenario).run().traceHash);
`,
  );
  bundle = join(dir, 'engine.js');
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2020',
    logLevel: 'warning',
  });
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the same trace hash in every JavaScript engine', () => {
  const node = scenarios.map((r) => `${r.name} ${new Simulation(r.scenario).run().traceHash}`);

  for (const shell of SHELLS) {
    it(`${shell.name} gives Node's trace hashes on ${LESSONS.length} lessons`, () => {
      if (!existsSync(shell.bin))
        throw new Error(`${shell.bin} is missing: apt-get install -y ${shell.pkg}`);
      const out = execFileSync(shell.bin, [bundle], { encoding: 'utf8', timeout: 120_000 });
      expect(out.trim().split('\n')).toEqual(node);
    });
  }
});
