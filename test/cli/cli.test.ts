// End-to-end tests of the `brokerlab` command line: each spawns the CLI as a child process, the
// way `npx brokerlab` runs it, and checks exit codes, stdout/stderr and the files it writes.
// They run the built CLI (out/cli/, built by the globalSetup); each start costs ~0.1–0.2 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnableProblems, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bench', 'bin', 'brokerlab.mjs');
const COMPETING = 'examples/competing-consumers.yaml';

/** No BROKERLAB_DEBUG (it prints stacks on internal errors) and no colours. */
const { BROKERLAB_DEBUG: _debug, ...INHERITED } = process.env;
const ENV = { ...INHERITED, NO_COLOR: '1' };

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

/** Runs the CLI synchronously from the repo root. */
function cli(args: string[]): Result {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

/** Shows the process's output when an assertion on it fails. */
function show(r: Result): string {
  return `exit ${r.status} after ${Math.round(r.ms)} ms\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr.slice(0, 2000)}`;
}

/** A stack trace or Node internals must never reach a user. */
function expectNoStack(r: Result): void {
  expect(r.stderr, show(r)).not.toMatch(/\n\s+at .*\(/);
  expect(r.stderr, show(r)).not.toMatch(/node:internal/);
  expect(r.stdout, show(r)).not.toMatch(/\n\s+at .*\(/);
}

/** Splits one CSV line, honouring double-quoted cells. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const LATENCY_FIELDS = ['count', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'];
const TOTALS_FIELDS = [
  'published',
  'publishFailed',
  'rejected',
  'enqueued',
  'duplicatesEnqueued',
  'deduplicated',
  'delivered',
  'redelivered',
  'acked',
  'nacked',
  'processed',
  'duplicatesProcessed',
  'duplicatesSuppressed',
  'orderViolations',
  'deadLettered',
  'expired',
  'dropped',
  'lost',
  'pendingAtEnd',
];

function expectLatency(summary: unknown, where: string): void {
  expect(summary, where).toBeTypeOf('object');
  for (const f of LATENCY_FIELDS) {
    const v = (summary as Record<string, unknown>)[f];
    expect(v, `${where}.${f}`).toBeTypeOf('number');
    expect(Number.isFinite(v), `${where}.${f}`).toBe(true);
  }
}

/** A small valid scenario (YAML), with optional text replacements. */
const SMALL = `name: small
seed: 1
duration: 2s
producers:
  - {id: web, to: orders, rate: {kind: poisson, perSecond: 100}}
channels:
  - {id: orders, kind: queue}
consumers:
  - {id: workers, from: orders, instances: 2, prefetch: 1, service: {kind: exponential, mean: 3}}
`;

let dir = '';
/** Writes a file into the temporary folder and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
/** SMALL with one replacement applied (which must match). */
function small(name: string, from: string, to: string): string {
  expect(SMALL).toContain(from);
  return file(name, SMALL.replace(from, to));
}

/** Spawn-to-exit time of a trivial, valid `validate`: what any CLI start costs here. */
let startupMs = 0;

/** Times one trivial, valid `validate`. */
function measureStartup(): number {
  const r = cli(['validate', join(dir, 'ok.yaml')]);
  expect(r.status, show(r)).toBe(0);
  return r.ms;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'brokerlab-cli-'));
  file('ok.yaml', SMALL);
  // The first start may be slower (cold file cache); take the slower of two.
  startupMs = Math.max(measureStartup(), measureStartup());
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('brokerlab run: report formats and determinism', () => {
  let first: Report;

  it('--format json prints the whole contract report and nothing else on stdout', () => {
    // The lesson has warmup 5s, so --duration must be longer than that (see the report).
    const r = cli(['run', COMPETING, '--format', 'json', '--duration', '8s']);
    expect(r.status, show(r)).toBe(0);
    expectNoStack(r);
    const report = JSON.parse(r.stdout) as Report; // throws if anything but JSON is on stdout
    first = report;
    expect(r.stdout.trimStart().startsWith('{')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('}')).toBe(true);

    for (const key of [
      'scenario',
      'seed',
      'version',
      'simulatedMs',
      'wallMs',
      'events',
      'traceHash',
      'totals',
      'latency',
      'throughput',
      'channels',
      'consumers',
      'checks',
      'theory',
      'series',
    ])
      expect(report, key).toHaveProperty(key);
    expect(report.scenario).toBe('Competing consumers');
    expect(report.seed).toBe(42);
    expect(report.version).toBe(1);
    expect(report.simulatedMs).toBe(8000);
    expect(report.wallMs).toBeTypeOf('number');
    expect(report.events).toBeGreaterThan(0);
    expect(report.traceHash).toMatch(/^[0-9a-f]{16}$/);

    for (const f of TOTALS_FIELDS)
      expect(report.totals[f as keyof Report['totals']], f).toBeTypeOf('number');
    expect(report.totals.processed).toBeGreaterThan(0);
    expectLatency(report.latency.endToEnd, 'latency.endToEnd');
    expectLatency(report.latency.queueWait, 'latency.queueWait');
    expectLatency(report.latency.service, 'latency.service');
    expect(report.latency.endToEnd.count).toBeGreaterThan(0);
    for (const f of ['publishedPerSec', 'processedPerSec', 'bytesPerSec'])
      expect(report.throughput[f as keyof Report['throughput']], f).toBeTypeOf('number');

    const orders = report.channels.orders;
    expect(orders).toBeDefined();
    for (const f of ['depthMax', 'depthMean', 'enqueued', 'processed', 'deadLettered'])
      expect(orders[f as keyof typeof orders], `channels.orders.${f}`).toBeTypeOf('number');

    const workers = report.consumers.workers;
    expect(workers).toBeDefined();
    for (const f of [
      'processed',
      'utilization',
      'crashes',
      'duplicatesProcessed',
      'orderViolations',
    ])
      expect(workers[f as keyof typeof workers], `consumers.workers.${f}`).toBeTypeOf('number');
    expect(workers.processed).toBe(report.totals.processed);
    expectLatency(workers.latency, 'consumers.workers.latency');
    expectLatency(workers.latencyFromOrigin, 'consumers.workers.latencyFromOrigin');

    expect(report.checks.conservation).toBe(true);
    expect(report.theory === null || typeof report.theory === 'object').toBe(true);
    expect(Array.isArray(report.series.t)).toBe(true);
    expect(report.series.t.length).toBeGreaterThan(0);
    for (const [name, xs] of Object.entries(report.series))
      expect(xs.length, `series.${name}`).toBe(report.series.t.length);
  });

  it('the same scenario and seed in another process give the same report; --out and --trace write files', () => {
    expect(first, 'needs the previous test').toBeDefined();
    const out = join(dir, 'report.json');
    const trace = join(dir, 'trace.ndjson');
    const r = cli([
      'run',
      COMPETING,
      '--format',
      'json',
      '--duration',
      '8s',
      '--out',
      out,
      '--trace',
      trace,
    ]);
    expect(r.status, show(r)).toBe(0);
    expectNoStack(r);
    expect(r.stdout, 'with --out nothing goes to stdout').toBe('');

    const again = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(again.traceHash).toBe(first.traceHash);
    const { wallMs: _a, ...a } = first;
    const { wallMs: _b, ...b } = again;
    expect(b).toEqual(a);

    // The trace: one JSON object per line, in time order, one `processed` per completion.
    const text = readFileSync(trace, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const messageEvents = new Set([
      'published',
      'enqueued',
      'delivered',
      'received',
      'started',
      'processed',
      'acked',
    ]);
    let lastT = -Infinity;
    let processed = 0;
    let published = 0;
    for (const [i, line] of lines.entries()) {
      const ev = JSON.parse(line) as { t: number; event: string; msg?: string };
      if (typeof ev.t !== 'number' || typeof ev.event !== 'string')
        expect.fail(`trace line ${i + 1} lacks t or event: ${line}`);
      if (ev.t < lastT) expect.fail(`trace line ${i + 1} goes back in time: ${line}`);
      lastT = ev.t;
      if (messageEvents.has(ev.event) && !/^[A-Za-z0-9._-]+:\d+$/.test(ev.msg ?? ''))
        expect.fail(`trace line ${i + 1} is a message event without msg: ${line}`);
      if (ev.event === 'processed') processed++;
      if (ev.event === 'published') published++;
    }
    expect(lastT).toBeLessThanOrEqual(first.simulatedMs);
    expect(processed).toBe(first.totals.processed + first.totals.duplicatesProcessed);
    expect(published).toBe(first.totals.published);
  });

  it('--seed 43 --format csv: another traceHash, the seed in the report, two lines of equal width', () => {
    expect(first, 'needs the first test').toBeDefined();
    const r = cli(['run', COMPETING, '--seed', '43', '--format', 'csv', '--duration', '8s']);
    expect(r.status, show(r)).toBe(0);
    expectNoStack(r);
    expect(r.stdout.endsWith('\n')).toBe(true);
    const lines = r.stdout.slice(0, -1).split('\n');
    expect(lines, show(r)).toHaveLength(2);
    const header = csvCells(lines[0]);
    const values = csvCells(lines[1]);
    expect(values.length).toBe(header.length);
    expect(header).toContain('totals.processed');
    expect(header).toContain('traceHash');
    expect(header).toContain('seed');
    const row = Object.fromEntries(header.map((h, i) => [h, values[i]]));
    expect(row.seed).toBe('43');
    expect(row.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(row.traceHash).not.toBe(first.traceHash);
    expect(Number(row['totals.processed'])).toBeGreaterThan(0);
    expect(row['checks.conservation']).toBe('true');
  });

  it('--format table prints a summary for people', () => {
    const r = cli(['run', join(dir, 'ok.yaml'), '--format', 'table']);
    expect(r.status, show(r)).toBe(0);
    expectNoStack(r);
    expect(r.stdout).toContain('Latency');
    expect(r.stdout).toContain('traceHash');
    expect(r.stdout).toMatch(/seed 1\b/);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });
});

describe('brokerlab validate and help', () => {
  // Every example is validated in-process by test/unit/examples.test.ts; one through the CLI
  // covers the command's own path (read, parse, validate, print).
  it('validate accepts an example', () => {
    const r = cli(['validate', 'examples/mm1-theory.yaml']);
    expect(r.status, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^examples\/mm1-theory\.yaml: valid \(/);
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = cli(['--version']);
    expect(r.status, show(r)).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('help prints the usage', () => {
    const r = cli(['help']);
    expect(r.status, show(r)).toBe(0);
    expect(r.stdout).toMatch(/usage/i);
    for (const command of ['brokerlab run', 'brokerlab validate', '--seed', '--format'])
      expect(r.stdout).toContain(command);
  });
});

describe('bad input exits 2 with `path: message` lines, fast and without a stack trace', () => {
  interface Case {
    name: string;
    args: () => string[];
    /** Substrings stderr must contain (the problem's path first). */
    expect: Array<string | RegExp>;
    check?: (stderr: string) => void;
  }
  const ok = () => join(dir, 'ok.yaml');
  const cases: Case[] = [
    {
      name: 'a missing file',
      args: () => ['validate', join(dir, 'missing.yaml')],
      expect: [`${join(dir, 'missing.yaml')}: `],
    },
    { name: 'a directory', args: () => ['run', dir], expect: [`${dir}: `] },
    {
      name: 'malformed YAML',
      args: () => ['validate', file('bad.yaml', 'name: x\nproducers: [\n  {id: a\n')],
      expect: [`${join(dir, 'bad.yaml')}: `, /line \d+/],
    },
    {
      name: 'malformed JSON, with line and column',
      args: () => [
        'validate',
        file('bad.json', '{\n  "name": "x",\n  "duration": 1000,\n  "producers": [,]\n}\n'),
      ],
      expect: [`${join(dir, 'bad.json')}: `, /line 4, column \d+/],
    },
    {
      name: 'an unknown field, with a did-you-mean',
      args: () => ['validate', small('typo.yaml', 'prefetch: 1', 'prefetchh: 1')],
      expect: ['consumers[0].prefetchh: '],
      check: (stderr) => expect(stderr.replaceAll('prefetchh', '')).toContain('prefetch'),
    },
    {
      name: 'an unknown channel reference',
      args: () => ['validate', small('ref.yaml', 'from: orders', 'from: ordrs')],
      expect: ['consumers[0].from: ', 'ordrs'],
    },
    {
      name: 'a negative prefetch',
      args: () => ['run', small('neg.yaml', 'prefetch: 1', 'prefetch: -1')],
      expect: ['consumers[0].prefetch: '],
    },
    {
      name: 'a bad duration string',
      args: () => ['validate', small('dur.yaml', 'duration: 2s', 'duration: "30 secs"')],
      expect: ['duration: ', '30 secs'],
    },
    {
      name: 'a NaN',
      args: () => ['validate', small('nan.yaml', 'perSecond: 100', 'perSecond: .nan')],
      expect: ['producers[0].rate.perSecond: '],
    },
    {
      name: 'duplicate ids',
      args: () => ['validate', small('dup.yaml', 'id: workers', 'id: orders')],
      expect: [/(channels|consumers)\[0\]\.id: .*orders/],
    },
    {
      name: 'a wrong type',
      args: () => ['validate', small('type.yaml', 'instances: 2', 'instances: "three"')],
      expect: ['consumers[0].instances: '],
    },
    {
      name: 'an empty file',
      args: () => ['validate', file('empty.yaml', '')],
      expect: [/^(\(root\)|.*empty\.yaml): /m],
    },
    {
      name: 'a YAML list at the top level',
      args: () => ['validate', file('list.yaml', '- a\n- b\n')],
      expect: [/^(\(root\)|.*list\.yaml): /m],
    },
    {
      name: '--seed abc',
      args: () => ['run', ok(), '--seed', 'abc'],
      expect: ['--seed: ', 'abc'],
    },
    {
      name: '--format xml',
      args: () => ['run', ok(), '--format', 'xml'],
      expect: ['--format: ', 'xml'],
    },
    { name: 'an unknown command', args: () => ['frobnicate'], expect: [/^\S+: .*frobnicate/m] },
    { name: 'run with no file', args: () => ['run'], expect: [/^\S+: .*run/m] },
  ];

  it.each(cases)('$name', (c) => {
    const r = cli(c.args());
    expect(r.status, show(r)).toBe(2);
    expectNoStack(r);
    expect(r.stdout, show(r)).toBe('');
    // The first line is a `path: message` line.
    expect(r.stderr.split('\n')[0], show(r)).toMatch(/^\S.*?: \S/);
    for (const e of c.expect) {
      if (typeof e === 'string') expect(r.stderr, show(r)).toContain(e);
      else expect(r.stderr, show(r)).toMatch(e);
    }
    c.check?.(r.stderr);
    // Under load (other test files running) a start can be slower than the first measurement:
    // before failing, measure a fresh start and allow the slower of the two.
    if (r.ms >= startupMs + 1000) startupMs = Math.max(startupMs, measureStartup());
    expect(r.ms, `startup ${Math.round(startupMs)} ms\n${show(r)}`).toBeLessThan(startupMs + 1000);
  });
});

/** Every delivery fails, so nothing is ever done: 60 s of simulated time take minutes. */
const FAIL_FOREVER = `name: fail forever
duration: 60s
producers:
  - {id: web, to: orders, rate: {kind: poisson, perSecond: 1000}}
channels:
  - {id: orders, kind: queue}
consumers:
  - {id: w, from: orders, instances: 4, prefetch: 50, failRate: 1, service: {kind: constant, value: 0.001}}
`;

/** A queue that grows by 100,000 messages a second. */
const BACKLOG = `name: backlog
duration: 20s
producers:
  - {id: web, to: orders, rate: {kind: constant, perSecond: 100000}}
channels:
  - {id: orders, kind: queue}
consumers:
  - {id: w, from: orders, service: {kind: constant, value: 10}}
`;

describe('budgets stop a run with exit 1, naming the budget and how to raise it', () => {
  const budgetCases: Array<{ name: string; budget: string; args: () => string[] }> = [
    {
      name: 'an enormous rate × duration is refused up front',
      budget: 'maxEvents',
      args: () => [
        'run',
        small('huge.yaml', 'perSecond: 100}', 'perSecond: 1000000000}'),
        '--duration',
        '1h',
        '--format',
        'json',
      ],
    },
    {
      name: 'a backlog that outgrows --max-messages',
      budget: 'maxMessagesHeld',
      args: () => [
        'run',
        file(
          'backlog.yaml',
          `name: backlog
duration: 10s
producers:
  - {id: web, to: orders, rate: {kind: constant, perSecond: 100000}}
channels:
  - {id: orders, kind: queue}
consumers: []
`,
        ),
        '--max-messages',
        '50000',
        '--format',
        'json',
      ],
    },
    {
      name: 'limits.maxEvents in the scenario',
      budget: 'maxEvents',
      args: () => [
        'run',
        file(
          'limits.yaml',
          SMALL.replace('perSecond: 100}', 'perSecond: 1000}').replace(
            'duration: 2s',
            'duration: 5s\nlimits: {maxEvents: 1000}',
          ),
        ),
        '--format',
        'json',
      ],
    },
    {
      // Was: failRate 1 for 60 s ran 89 s of wall time to process nothing.
      name: 'a run that takes longer than --max-wall',
      budget: 'maxWall (1 s)',
      args: () => ['run', file('failing.yaml', FAIL_FOREVER), '--max-wall', '1s'],
    },
    {
      name: 'a run that needs more memory than --max-memory',
      budget: 'out of memory: budget maxMemory (100 MB)',
      args: () => ['run', file('backlog.yaml', BACKLOG), '--max-memory', '100'],
    },
  ];

  it.each(budgetCases)('$name', (c) => {
    const r = cli(c.args());
    expect(r.status, show(r)).toBe(1);
    expectNoStack(r);
    expect(r.stdout, show(r)).toBe('');
    expect(r.stderr, show(r)).toContain(c.budget);
    expect(r.stderr, show(r)).toMatch(/raise it/i);
    expect(r.ms, show(r)).toBeLessThan(startupMs + 5000);
  });
});

describe('options the engine does not model yet', () => {
  /** Valid scenarios using one option each, most likely to stay unmodelled last. */
  const candidates: Array<Record<string, unknown>> = [
    {
      channels: [{ id: 'events', kind: 'topic', subscriptions: [{ id: 'billing' }] }],
      producers: [{ id: 'web', to: 'events', rate: { kind: 'poisson', perSecond: 100 } }],
      consumers: [{ id: 'w', from: 'events/billing', service: { kind: 'constant', value: 1 } }],
    },
    {
      channels: [{ id: 'ledger', kind: 'log', partitions: 2 }],
      producers: [{ id: 'web', to: 'ledger', rate: { kind: 'poisson', perSecond: 100 } }],
      consumers: [{ id: 'w', from: 'ledger', service: { kind: 'constant', value: 1 } }],
    },
    { channels: [{ id: 'q', kind: 'queue', maxDeliveries: 3 }] },
    { channels: [{ id: 'q', kind: 'queue', ttl: '1s' }] },
    { channels: [{ id: 'q', kind: 'queue', maxLength: 10 }] },
    { channels: [{ id: 'q', kind: 'queue', dedupWindow: '1s' }] },
    { channels: [{ id: 'q', kind: 'queue', fifoGroups: true }] },
    {
      consumers: [
        {
          id: 'w',
          from: 'q',
          service: { kind: 'constant', value: 1 },
          crashes: { mtbf: '30s', restart: '1s' },
        },
      ],
    },
    { consumers: [{ id: 'w', from: 'q', service: { kind: 'constant', value: 1 }, failRate: 0.1 }] },
    {
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'poisson', perSecond: 100 },
          confirm: { timeout: '1s', retries: 3, backoff: '100ms' },
        },
      ],
    },
    {
      producers: [
        { id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 100 }, idempotent: true },
      ],
    },
    {
      channels: [
        { id: 'q', kind: 'queue' },
        { id: 'q2', kind: 'queue' },
      ],
      consumers: [
        { id: 'w', from: 'q', service: { kind: 'constant', value: 1 }, emit: [{ to: 'q2' }] },
      ],
    },
    { broker: { durable: true, crashes: { mtbf: '10m', restart: '20s' } } },
    { network: { loss: 0.01 } },
    { faults: [{ at: '500ms', crash: 'w#1', restart: '100ms' }] },
    {
      producers: [
        { id: 'p', to: 'ledger', rate: { kind: 'poisson', perSecond: 100 }, confirm: true },
      ],
      channels: [{ id: 'ledger', kind: 'log' }],
      consumers: [{ id: 'w', from: 'ledger', service: { kind: 'constant', value: 1 } }],
    },
  ];
  const base = {
    name: 'unmodelled',
    duration: 1000,
    producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 100 } }],
    channels: [{ id: 'q', kind: 'queue' }],
    consumers: [{ id: 'w', from: 'q', service: { kind: 'constant', value: 1 } }],
  };

  /** The first candidate that is valid but not runnable yet, with the problem's path. */
  function pick(): { scenario: Record<string, unknown>; path: string } | null {
    for (const c of candidates) {
      const scenario = { ...base, ...c };
      const v = validateScenario(scenario);
      if (!v.ok) continue;
      const problem = runnableProblems(v.scenario).find((p) => /not modelled yet/.test(p.message));
      if (problem) return { scenario, path: problem.path };
    }
    return null;
  }

  it('are refused with exit 2 and a `path: … is not modelled yet` line', (ctx) => {
    const chosen = pick();
    if (chosen === null) return ctx.skip('every option is modelled now');
    const path = file('unmodelled.json', JSON.stringify(chosen.scenario, null, 2));
    const r = cli(['run', path, '--format', 'json']);
    expect(r.status, show(r)).toBe(2);
    expectNoStack(r);
    expect(r.stdout, show(r)).toBe('');
    const line = r.stderr.split('\n').find((l) => l.startsWith(`${chosen.path}: `));
    expect(line, show(r)).toBeDefined();
    expect(line).toMatch(/is not modelled yet/);
  });
});

describe('output files the CLI cannot write', () => {
  // Known CLI bug: an --out or --trace path in a missing folder is reported as
  // "internal error: ENOENT ... (this is a bug in Brokerlab ...)" with exit 1. It is the user's
  // input, so it should read like any other problem: name the option and the path, no "bug".
  it.each([
    ['--out', 'report.json'],
    ['--trace', 'trace.ndjson'],
  ])(
    '%s into a missing folder is reported as a user error, not an internal bug',
    (option, name) => {
      const target = join(dir, 'no-such-folder', name);
      const r = cli(['run', join(dir, 'ok.yaml'), '--format', 'json', option, target]);
      expect(r.status, show(r)).not.toBe(0);
      expectNoStack(r);
      expect(r.stderr, show(r)).toContain(target);
      expect(r.stderr, show(r)).not.toMatch(/internal error|bug in Brokerlab/i);
    },
  );
});

describe('long runs are never silent, and a closed pipe is not an error', () => {
  it('--progress prints a progress line every second on a stderr that is not a terminal', () => {
    const r = cli(['run', file('failing.yaml', FAIL_FOREVER), '--max-wall', '3s', '--progress']);
    expect(r.status, show(r)).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
    expect(lines.length, show(r)).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(
      /^progress: [\d.]+ s of 60\.0 s simulated · [\d,]+ events · [\d.]+ s$/,
    );
  });

  it('a sweep whose worker outgrows --worker-memory fails that run as out of memory', () => {
    const r = cli([
      'sweep',
      file('backlog.yaml', BACKLOG),
      '--vary',
      'consumers.w.instances=1,2',
      '--seeds',
      '1',
      '--worker-memory',
      '64',
    ]);
    expect(r.status, show(r)).toBe(1);
    expectNoStack(r);
    const failures = r.stderr.split('\n').filter((l) => l.includes('out of memory'));
    expect(failures.length, show(r)).toBe(2);
    expect(failures[0]).toMatch(
      /budget maxMemory \(64 MB\) exceeded.*raise it with --worker-memory MB/,
    );
  });

  it('stops quietly with exit 0 when the reader of stdout goes away', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'run', COMPETING, '--format', 'json'], {
      cwd: ROOT,
      env: ENV,
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close the pipe, as `| head -c 100` does.
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(status).toBe(0);
  });
});
