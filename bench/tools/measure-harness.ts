// Reproducible measurements of the sweep harness, each a fresh `brokerlab sweep` process run
// under GNU time (`/usr/bin/time`): wall time with 1 vs 2 workers on the same 40-run sweep, and
// peak RSS of a 20-run vs a 500-run sweep. Worker threads live in the CLI's process, so its peak
// RSS (getrusage's maxrss) covers the main thread and every worker. CPU time and the load
// average are printed too: 2 workers only halve the wall time when 2 cores are actually free.
// Usage: npx tsx bench/tools/measure-harness.ts [ROUNDS]   (default 3; rounds alternate the cases)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = resolve(ROOT, 'bench/bin/brokerlab.mjs');
const TIME = '/usr/bin/time';
const ROUNDS = Number(process.argv[2] ?? 3);

const range = (from: number, count: number, step: number) =>
  Array.from({ length: count }, (_, i) => from + i * step).join(',');

/** 8 points × 5 seeds of the competing-consumers lesson, 5 simulated minutes a run (~0.4 s). */
const SPEED = [
  'sweep',
  'examples/competing-consumers.yaml',
  '--duration',
  '5m',
  '--vary',
  'consumers.workers.prefetch=1,2,5,10,20,50,100,200',
  '--seeds',
  '5',
];
/** The same lesson cut to 10 s: 4 × 5 = 20 runs, and 100 × 5 = 500 runs. */
const small = (points: number) => [
  'sweep',
  'examples/competing-consumers.yaml',
  '--duration',
  '10s',
  '--vary',
  `producers.web.rate.perSecond=${range(800, points, 1)}`,
  '--seeds',
  '5',
  '--workers',
  '2',
];

interface Sample {
  wallS: number;
  /** User + system CPU time of the whole process (every thread). */
  cpuS: number;
  peakRssMb: number;
  /** The 1-minute load average when the case started: other work on a shared machine shows here. */
  load: number;
}

function measure(args: string[]): Sample {
  const load = loadavg()[0];
  const r = spawnSync(TIME, ['-f', 'BROKERLAB_TIME %e %M %U %S', process.execPath, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = /BROKERLAB_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !line) throw new Error(`brokerlab ${args.join(' ')} failed:\n${r.stderr}`);
  const cpuS = Number(line[3]) + Number(line[4]);
  return { wallS: Number(line[1]), cpuS, peakRssMb: Number(line[2]) / 1024, load };
}

function main(): void {
  if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed for wall time and peak RSS`);
  const cases: Array<[string, string[]]> = [
    ['40-run sweep, --workers 1', [...SPEED, '--workers', '1']],
    ['40-run sweep, --workers 2', [...SPEED, '--workers', '2']],
    ['20-run sweep (10 s runs), 2 workers', small(4)],
    ['500-run sweep (10 s runs), 2 workers', small(100)],
  ];
  const samples = new Map<string, Sample[]>(cases.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so drift on a shared machine hits every case alike.
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const [name, args] of order) samples.get(name)!.push(measure(args));
  }
  const fmt = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(' / ');
  const of = (name: string, key: keyof Sample) => samples.get(name)!.map((s) => s[key]);
  for (const [name] of cases) {
    const wall = fmt(of(name, 'wallS'), 2);
    const cpu = fmt(of(name, 'cpuS'), 1);
    const rss = fmt(of(name, 'peakRssMb'), 0);
    const load = fmt(of(name, 'load'), 1);
    process.stdout.write(
      `${name.padEnd(38)} wall ${wall} s  cpu ${cpu} s  peak RSS ${rss} MB  load ${load}\n`,
    );
  }
  const ratio = (a: number[], b: number[]) =>
    fmt(
      a.map((x, i) => x / b[i]),
      2,
    );
  const [speed1, speed2, rss20, rss500] = cases.map(([name]) => name);
  const speedup = ratio(of(speed2, 'wallS'), of(speed1, 'wallS'));
  process.stdout.write(`2 workers ÷ 1 worker wall time, per round: ${speedup}\n`);
  const growth = ratio(of(rss500, 'peakRssMb'), of(rss20, 'peakRssMb'));
  process.stdout.write(`500-run ÷ 20-run peak RSS, per round: ${growth}\n`);
}

main();
