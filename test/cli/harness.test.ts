// End-to-end tests of `brokerlab sweep` and `brokerlab compare`: each spawns the CLI the way a
// user runs it, on a tiny scenario (a fraction of a second per run), and checks exit codes,
// output and files; plus worker crashes and Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY } from '../unit/harness-fixtures';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bench', 'bin', 'brokerlab.mjs');
const {
  BROKERLAB_DEBUG: _debug,
  BROKERLAB_TEST_WORKER_FAULT: _fault,
  BROKERLAB_TEST_PROGRESS: _progress,
  ...INHERITED
} = process.env;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

let dir = '';
let tiny = '';
let tinyFast = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'brokerlab-harness-'));
  tiny = join(dir, 'tiny.json');
  writeFileSync(tiny, JSON.stringify(TINY));
  tinyFast = join(dir, 'tiny-fast.json');
  writeFileSync(
    tinyFast,
    JSON.stringify({
      ...TINY,
      name: 'tiny, faster workers',
      consumers: [{ ...TINY.consumers[0], service: { kind: 'exponential', mean: 2 } }],
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from the repo root; `onStderr` sees stderr as it arrives and may signal the child. */
function cli(
  args: string[],
  env: Record<string, string> = {},
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...INHERITED, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

function show(r: Result): string {
  return `exit ${r.status}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;
}

function expectNoStack(r: Result): void {
  expect(r.stderr, show(r)).not.toMatch(/\n\s+at .*\(|node:internal/);
}

describe('brokerlab sweep', () => {
  it('prints a summary per point and writes identical JSON with 1 and 2 workers', async () => {
    const args = [
      'sweep',
      tiny,
      '--vary',
      'consumers.w.prefetch=1,8',
      '--vary',
      'channels.q.ackTimeout=2s,none',
      '--seeds',
      '3',
    ];
    const [table, one, two] = await Promise.all([
      cli(args),
      cli([...args, '--workers', '1', '--out', join(dir, 'one.json')]),
      cli([...args, '--workers', '2', '--out', join(dir, 'two.json')]),
    ]);
    expect(table.status, show(table)).toBe(0);
    expect(table.stdout).toMatch(
      /^Sweep of tiny \(.*tiny\.json\): 4 points × seeds 7–9 \(3\); 12 runs finished, 0 failed/,
    );
    expect(table.stdout).toMatch(
      /consumers\.w\.prefetch\s+channels\.q\.ackTimeout\s+runs\s+p50 ms\s+p99 ms/,
    );
    expect(table.stdout).toMatch(/\n\s+8\s+none\s+3\s+\S+ ± \S+/);
    expect(table.stderr).toMatch(/sweep: 12 runs on \d+ workers?/);
    expect(one.status, show(one)).toBe(0);
    expect(two.status, show(two)).toBe(0);
    const a = readFileSync(join(dir, 'one.json'), 'utf8');
    expect(readFileSync(join(dir, 'two.json'), 'utf8')).toBe(a);
    const doc = JSON.parse(a);
    expect(doc).toMatchObject({
      kind: 'brokerlab-sweep',
      version: 1,
      seeds: [7, 8, 9],
      complete: true,
    });
    expect(doc.runs).toHaveLength(12);
    expect(doc.summary).toHaveLength(4);
  });

  it('writes CSV per run, a summary CSV and a self-contained HTML report', async () => {
    const base = ['sweep', tiny, '--vary', 'producers.web.rate.perSecond=100,300', '--seeds', '2'];
    const [csv, html] = await Promise.all([
      cli([...base, '--out', join(dir, 'runs.csv'), '--summary', join(dir, 'summary.csv')]),
      cli([...base, '--out', join(dir, 'report.html')]),
    ]);
    expect(csv.status, show(csv)).toBe(0);
    const runs = readFileSync(join(dir, 'runs.csv'), 'utf8').trimEnd().split('\n');
    expect(runs).toHaveLength(5);
    expect(runs[0]).toMatch(
      /^point,producers\.web\.rate\.perSecond,seed,status,error,latencyP50Ms,/,
    );
    expect(runs[3]).toMatch(/^1,300,7,ok,,/);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(3);
    expect(html.status, show(html)).toBe(0);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)).toHaveLength(7);
    expect(page).not.toMatch(/<script src=|<link rel="stylesheet"|https:\/\//);
  });

  it('refuses bad input with exit 2, path: message lines and the valid paths near a typo', async () => {
    const [path, value, seeds, workers, missing, out] = await Promise.all([
      cli(['sweep', tiny, '--vary', 'consumers.w.prefetc=1,2']),
      cli(['sweep', tiny, '--vary', 'consumers.w.prefetch=0,2']),
      cli(['sweep', tiny, '--vary', 'duration=1s', '--seeds', '0']),
      cli(['sweep', tiny, '--vary', 'duration=1s', '--workers', 'many']),
      cli(['sweep', join(dir, 'nope.yaml'), '--vary', 'duration=1s']),
      cli(['sweep', tiny, '--vary', 'duration=1s', '--out', join(dir, 'x.txt')]),
    ]);
    for (const r of [path, value, seeds, workers, missing, out]) {
      expect(r.status, show(r)).toBe(2);
      expectNoStack(r);
      expect(r.stdout).toBe('');
    }
    expect(path.stderr).toMatch(
      /--vary consumers\.w\.prefetc: consumers\.w has no field "prefetc" \(did you mean "prefetch"\?\)/,
    );
    expect(path.stderr).toMatch(
      /valid paths near it:\n(\s+consumers\.w\.\S+\n)*\s+consumers\.w\.prefetch\n/,
    );
    expect(value.stderr).toBe(
      'consumers[0].prefetch: must be between 1 and 2147483647 (--vary consumers.w.prefetch=0)\n',
    );
    expect(seeds.stderr).toMatch(/^--seeds: must be an integer from 1 to/);
    expect(workers.stderr).toMatch(/^--workers: must be an integer from 1 to/);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the scenario \(no such file\)/);
    expect(out.stderr).toMatch(/--out: ".*x\.txt" must end in \.csv, \.json, \.html/);
  });

  it('fails the runs of a crashed worker with scenario and seed, finishes the rest, exits 1', async () => {
    const r = await cli(
      [
        'sweep',
        tiny,
        '--vary',
        'consumers.w.prefetch=1,2',
        '--seeds',
        '3',
        '--workers',
        '2',
        '--format',
        'json',
      ],
      { BROKERLAB_TEST_WORKER_FAULT: 'throw@8' },
    );
    expect(r.status, show(r)).toBe(1);
    expectNoStack(r);
    expect(r.stderr).toMatch(
      /run failed: tiny \(consumers\.w\.prefetch=1\) seed 8: worker crashed: injected test fault at seed 8/,
    );
    const doc = JSON.parse(r.stdout);
    expect(doc.runs.map((x: { status: string }) => x.status)).toEqual([
      'ok',
      'failed',
      'ok',
      'ok',
      'failed',
      'ok',
    ]);
    expect(doc.runs[4].error).toMatch(/^tiny \(consumers\.w\.prefetch=2\) seed 8: worker crashed/);
  });

  it('stops cleanly on Ctrl-C, keeps the finished runs and exits 130', async () => {
    // 500 runs of 20,000 messages: Ctrl-C comes as soon as the first run has finished (the
    // progress line BROKERLAB_TEST_PROGRESS asks for), not after a delay a loaded machine breaks.
    const rates = Array.from({ length: 50 }, (_, i) => 1000 + i).join(',');
    let sent = false;
    const r = await cli(
      [
        'sweep',
        tiny,
        '--vary',
        `producers.web.rate.perSecond=${rates}`,
        '--vary',
        'consumers.w.service.mean=0.5',
        '--seeds',
        '10',
        '--duration',
        '20s',
        '--format',
        'json',
      ],
      { BROKERLAB_TEST_PROGRESS: '1' },
      (stderr, child) => {
        if (!sent && /^progress: 1\/500 runs$/m.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent, show(r)).toBe(true);
    expect(r.status, show(r)).toBe(130);
    expectNoStack(r);
    expect(r.stderr).toMatch(/interrupted: stopping the workers; the runs that finished are kept/);
    const doc = JSON.parse(r.stdout);
    expect(doc.complete).toBe(false);
    expect(doc.runs.length).toBeGreaterThan(0);
    expect(doc.runs.length).toBeLessThan(500);
    for (const run of doc.runs) expect(run.status).toBe('ok');
    expect(r.stderr).toMatch(new RegExp(`${doc.runs.length} of 500 runs finished`));
  });
});

describe('brokerlab compare', () => {
  it('prints the metrics side by side with the paired difference and verdicts', async () => {
    const [table, json, html] = await Promise.all([
      cli(['compare', tiny, tinyFast, '--seeds', '4']),
      cli(['compare', tiny, tinyFast, '--seeds', '4', '--format', 'json']),
      cli(['compare', tiny, tinyFast, '--seeds', '4', '--out', join(dir, 'compare.html')]),
    ]);
    expect(table.status, show(table)).toBe(0);
    expect(table.stdout).toMatch(
      /^Compare on seeds 7–10 \(4\), the same for A and B \(common random numbers\)/,
    );
    expect(table.stdout).toMatch(
      /p99 end-to-end latency \(ms\)\s+\S+\s+\S+\s+-\S+ \(-\S+%\)\s+-\S+ to -\S+\s+B lower/,
    );
    expect(table.stdout).toMatch(/published \(messages\) .* identical on every seed/);
    expect(table.stdout).toMatch(/"not significant": the interval contains 0/);
    expect(json.status, show(json)).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ kind: 'brokerlab-compare', version: 1, seeds: [7, 8, 9, 10] });
    expect(doc.latencyCdf.a.mean.length).toBe(doc.latencyCdf.probabilities.length);
    expect(html.status, show(html)).toBe(0);
    expect(readFileSync(join(dir, 'compare.html'), 'utf8').match(/<svg /g)).toHaveLength(2);
  });

  it('needs exactly two scenarios', async () => {
    const r = await cli(['compare', tiny]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/compare takes exactly two scenario files \(got 1\)/);
  });
});
