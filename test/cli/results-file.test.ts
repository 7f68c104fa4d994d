// Sweep and compare results written by the CLI read back into what the lab's results view draws.
// (Other input is tested in test/lab/results-file.test.ts, which spawns nothing.)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/lab/results-file';

const dir = mkdtempSync(join(tmpdir(), 'brokerlab-results-'));
const cli = (...args: string[]) =>
  execFileSync(process.execPath, ['bench/bin/brokerlab.mjs', ...args], { stdio: 'pipe' });

describe('results files dropped on the lab', () => {
  it('reads a sweep: every point with its mean and interval per metric', () => {
    const out = join(dir, 'sweep.json');
    cli(
      'sweep',
      'examples/prefetch-buffering.yaml',
      '--vary',
      'consumers.workers.prefetch=1,50',
      '--seeds',
      '2',
      '--duration',
      '10s',
      '--workers',
      '1',
      '--out',
      out,
    );
    const r = readResults(readFileSync(out, 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok || r.file.kind !== 'sweep') return;
    expect(r.file.vary).toEqual([{ path: 'consumers.workers.prefetch', values: [1, 50] }]);
    expect(r.file.summary).toHaveLength(2);
    const p99 = r.file.summary[0].metrics.latencyP99Ms;
    expect(p99.n).toBe(2);
    expect(p99.ciLow!).toBeLessThanOrEqual(p99.mean!);
    expect(p99.ciHigh!).toBeGreaterThanOrEqual(p99.mean!);
  }, 60_000);

  it('reads a compare: paired differences with verdicts and both CDFs', () => {
    const out = join(dir, 'compare.json');
    cli(
      'compare',
      'examples/competing-consumers.yaml',
      'examples/prefetch-buffering.yaml',
      '--seeds',
      '2',
      '--duration',
      '10s',
      '--workers',
      '1',
      '--out',
      out,
    );
    const r = readResults(readFileSync(out, 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok || r.file.kind !== 'compare') return;
    expect(r.file.comparison.length).toBeGreaterThan(5);
    expect(r.file.cdf.a).toHaveLength(r.file.cdf.probabilities.length);
    // Latency grows with probability along a CDF.
    const a = r.file.cdf.a!;
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
  }, 60_000);
});
