// The `brokerlab` command line: parses arguments, dispatches to a command, and maps failures to
// exit codes (0 ok, 2 bad input with `path: message` lines, 1 anything else, 130 for a sweep or
// compare stopped by Ctrl-C) without stack traces.

import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { RunError, UsageError } from './errors';
import { runCommand, validateCommand } from './run';
import { parseMaxMemory, parseMaxWall } from './run-jobs';
import type { Format } from './run';
import { benchCommand } from './bench';
import { sweepCommand } from './sweep';
import { compareCommand } from './compare';
import { realCommand } from './real';
import { calibrateCommand } from './calibrate';
import { version } from '../../package.json';

const USAGE = `Usage:
  brokerlab run <scenario> [--seed N] [--duration D] [--format table|json|csv] [--out FILE] [--trace FILE.ndjson]
                           [--max-events N] [--max-sim-time D] [--max-messages N] [--max-wall D]
                           [--max-memory MB] [--progress]
  brokerlab validate <scenario>
  brokerlab sweep <scenario> --vary PATH=v1,v2,... [--vary ...] [--seeds K] [--seed N] [--workers N]
                             [--duration D] [--out FILE.csv|.json|.html] [--summary FILE.csv]
                             [--format table|csv|json] [--worker-memory MB] [--max-wall D]
  brokerlab sweep <scenario> --list-paths
  brokerlab compare <a> <b> [--seeds K] [--seed N] [--workers N] [--duration D] [--out FILE.json|.html]
                            [--format table|json] [--worker-memory MB] [--max-wall D]
  brokerlab bench [--quick] [--out FILE.json]
  brokerlab real <scenario> --broker amqp://127.0.0.1:5672|nats://127.0.0.1:4222 [--seed N]
                            [--duration D] [--drain D] [--format table|json|csv] [--out FILE] [--nagle]
  brokerlab calibrate <scenario> --broker URL [--reps R] [--seeds K] [--seed N]
                                 [--duration D] [--drain D] [--format table|json] [--out FILE.json|.html]
  brokerlab help
  brokerlab --version

PATH names a field by ids: consumers.workers.prefetch, channels.orders.ackTimeout,
producers.web.rate.perSecond, network.latency.value, duration. Seeds: K seeds from --seed N
(default: the scenario's seed), the same at every point and on both sides of a compare.
--max-wall D: the most wall-clock time one run may take (default 10m; per run in sweep and compare).
--max-memory MB: the most memory a run may hold (default 4096; in sweeps: --worker-memory).
real: plays the scenario on a live broker (consumers as OS processes, faults applied) and
reports in run's shape; --drain D (default 10s): how long to wait after the end to tell late
messages from lost ones; --nagle: leave Nagle's algorithm on, as client libraries do by default.
calibrate: plays the scenario R times on the broker (default 3, seeds N, N+1, …), gives the
simulator the service times and network hop measured there, simulates K seeds from N (default R:
each live run's twin) and sets every metric side by side: medians and ranges, relative error,
p50 within 15% and p99 within 25%, anomaly signs.
--progress: a progress line on stderr every second (without it: redrawn on a terminal, else a
line every 10 s).

Exit codes: 0 success, 2 invalid input (each problem printed as path: message), 1 anything else
(for sweep and compare: a run failed), 130 interrupted (Ctrl-C; finished runs are still written).
`;

const COMMANDS = [
  'run',
  'validate',
  'sweep',
  'compare',
  'bench',
  'real',
  'calibrate',
  'help',
  '--version',
];

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError([
      `arguments: ${(e as Error).message.split('\n')[0]}`,
      '',
      USAGE.trimEnd(),
    ]);
  }
}

function oneFile(positionals: string[], command: string): string {
  if (positionals.length !== 1)
    throw new UsageError([
      `arguments: ${command} takes exactly one scenario file (got ${positionals.length})`,
    ]);
  return positionals[0];
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    throw new UsageError([`--seed: must be a non-negative integer (got "${text}")`]);
  return n;
}

/** The options sweep and compare share, from parsed arguments. */
function harnessOptions(v: {
  seeds?: string;
  seed?: string;
  workers?: string;
  'worker-memory'?: string;
  'max-wall'?: string;
  duration?: string;
  out?: string;
}) {
  return {
    seeds: v.seeds,
    seed: parseSeed(v.seed),
    workers: v.workers,
    workerMemory: v['worker-memory'],
    maxWall: v['max-wall'],
    duration: v.duration,
    out: v.out,
  };
}

/** The options real and calibrate share (on a live broker). */
const LIVE_OPTIONS = {
  broker: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  drain: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  nagle: { type: 'boolean' },
} as const;

function liveOptions(v: {
  broker?: string;
  seed?: string;
  duration?: string;
  drain?: string;
  out?: string;
  nagle?: boolean;
}) {
  return {
    broker: v.broker,
    seed: parseSeed(v.seed),
    out: v.out,
    nagle: v.nagle === true,
    drain: v.drain,
    overrides: { duration: v.duration },
  };
}

/** A whole number ≥ 1 for option `name`, or its default when absent. */
function parseCount(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError([`--${name}: must be a whole number ≥ 1 (got "${text}")`]);
  return n;
}

function parseFormat(text: string | undefined): Format {
  const f = text ?? 'table';
  if (f !== 'table' && f !== 'json' && f !== 'csv')
    throw new UsageError([`--format: must be one of: table, json, csv (got "${f}")`]);
  return f;
}

/** Options that take a value: `--seed -1` is joined into `--seed=-1` so a negative value reaches our check. */
const VALUE_OPTIONS = new Set([
  '--seed',
  '--duration',
  '--format',
  '--out',
  '--trace',
  '--max-events',
  '--max-sim-time',
  '--max-messages',
  '--vary',
  '--seeds',
  '--workers',
  '--worker-memory',
  '--summary',
  '--broker',
  '--drain',
  '--reps',
]);

function joinValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (VALUE_OPTIONS.has(args[i]) && i + 1 < args.length && args[i + 1].startsWith('-')) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

function parseCompareFormat(text: string | undefined): 'table' | 'json' {
  const f = text ?? 'table';
  if (f !== 'table' && f !== 'json')
    throw new UsageError([`--format: must be one of: table, json (got "${f}")`]);
  return f;
}

/** Options sweep and compare share. */
const HARNESS_OPTIONS = {
  seeds: { type: 'string' },
  seed: { type: 'string' },
  workers: { type: 'string' },
  'worker-memory': { type: 'string' },
  'max-wall': { type: 'string' },
  duration: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
} as const;

function dispatch(argv: string[]): number | Promise<number> {
  const [command, ...rest0] = argv;
  const rest = joinValues(rest0);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (command === 'run') {
    const { values: v, positionals } = parse(rest, {
      seed: { type: 'string' },
      duration: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      trace: { type: 'string' },
      'max-events': { type: 'string' },
      'max-sim-time': { type: 'string' },
      'max-messages': { type: 'string' },
      'max-wall': { type: 'string' },
      'max-memory': { type: 'string' },
      progress: { type: 'boolean' },
    });
    const str = (k: Exclude<keyof typeof v, 'progress'>) => v[k];
    return runCommand({
      file: oneFile(positionals, 'run'),
      budgets: {
        maxWallMs: parseMaxWall(str('max-wall')),
        maxMemoryMb: parseMaxMemory(str('max-memory')),
        memoryFlag: '--max-memory MB',
      },
      progress: v.progress === true,
      seed: parseSeed(str('seed')),
      format: parseFormat(str('format')),
      out: str('out'),
      trace: str('trace'),
      overrides: {
        duration: str('duration'),
        limits: {
          maxEvents: str('max-events'),
          maxSimTime: str('max-sim-time'),
          maxMessagesHeld: str('max-messages'),
        },
      },
    });
  }
  if (command === 'validate') {
    const { positionals } = parse(rest, {});
    return validateCommand(oneFile(positionals, 'validate'));
  }
  if (command === 'sweep') {
    const { values: v, positionals } = parse(rest, {
      ...HARNESS_OPTIONS,
      vary: { type: 'string', multiple: true },
      summary: { type: 'string' },
      'list-paths': { type: 'boolean' },
    });
    return sweepCommand({
      ...harnessOptions(v),
      file: oneFile(positionals, 'sweep'),
      vary: v.vary ?? [],
      summary: v.summary,
      format: parseFormat(v.format),
      listPaths: v['list-paths'] === true,
    });
  }
  if (command === 'compare') {
    const { values: v, positionals } = parse(rest, HARNESS_OPTIONS);
    return compareCommand({
      ...harnessOptions(v),
      files: positionals,
      format: parseCompareFormat(v.format),
    });
  }
  if (command === 'real') {
    const { values: v, positionals } = parse(rest, LIVE_OPTIONS);
    return realCommand({
      ...liveOptions(v),
      file: oneFile(positionals, 'real'),
      format: parseFormat(v.format),
    });
  }
  if (command === 'calibrate') {
    const { values: v, positionals } = parse(rest, {
      ...LIVE_OPTIONS,
      reps: { type: 'string' },
      seeds: { type: 'string' },
    });
    const reps = parseCount('reps', v.reps, 3);
    return calibrateCommand({
      ...liveOptions(v),
      file: oneFile(positionals, 'calibrate'),
      reps,
      // By default each live run has one simulated twin: the same seed, so the same arrivals.
      seeds: parseCount('seeds', v.seeds, reps),
      format: parseCompareFormat(v.format),
    });
  }
  if (command === 'bench') {
    const { values: v, positionals } = parse(rest, {
      quick: { type: 'boolean' },
      out: { type: 'string' },
    });
    if (positionals.length > 0)
      throw new UsageError([`arguments: bench takes no files (got ${positionals.join(' ')})`]);
    return benchCommand({ quick: v.quick === true, out: v.out as string | undefined });
  }
  throw new UsageError([
    `command: unknown command "${command}" (commands: ${COMMANDS.join(', ')})`,
    '',
    USAGE.trimEnd(),
  ]);
}

/** Runs the CLI; returns the exit code. Never lets a stack trace reach the user. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.lines.join('\n') + '\n');
      return 2;
    }
    if (e instanceof RunError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    const err = e as Error;
    process.stderr.write(
      `internal error: ${err?.message ?? String(e)}\n(this is a bug in Brokerlab; please report it with the scenario and seed; set BROKERLAB_DEBUG=1 for details)\n`,
    );
    if (process.env.BROKERLAB_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return 1;
  }
}
