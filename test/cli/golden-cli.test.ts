// The golden traces pin what `brokerlab run --trace` writes: the built CLI, spawned as a user
// runs it, writes a trace whose first lines, length and report traceHash are those of the
// lesson's test/golden/ file (written in-process by `npm run golden:update`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../sim-core/index';
import { FIRST_LINES, ROOT, goldenPath } from '../../bench/tools/golden';
import type { Golden } from '../../bench/tools/golden';

/** The `brokerlab` command: runs the built CLI in out/cli/ (as test/cli/cli.test.ts does). */
const BIN = join(ROOT, 'bench', 'bin', 'brokerlab.mjs');
/** Small (27k events), keyed, with aux fields in its first lines. */
const LESSON = 'event-sourcing-replay.yaml';

const { BROKERLAB_DEBUG: _debug, ...INHERITED } = process.env;
const tmp = mkdtempSync(join(tmpdir(), 'brokerlab-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('brokerlab run --trace', () => {
  it(`writes the lines and traceHash pinned in the golden file (${LESSON})`, () => {
    const golden = JSON.parse(readFileSync(join(ROOT, goldenPath(LESSON)), 'utf8')) as Golden;
    const trace = join(tmp, 'trace.ndjson');
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', `examples/${LESSON}`, '--trace', trace, '--format', 'json'],
      {
        cwd: ROOT,
        env: { ...INHERITED, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(r.status, `exit ${r.status}\n--- stderr\n${r.stderr.slice(0, 2000)}`).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const lines = readFileSync(trace, 'utf8').split('\n');
    expect(lines.pop(), 'the trace ends with a newline').toBe('');
    expect({
      traceHash: report.traceHash,
      events: report.events,
      seed: report.seed,
      lines: lines.length,
    }).toEqual({
      traceHash: golden.traceHash,
      events: golden.events,
      seed: golden.seed,
      lines: golden.lines,
    });
    expect(golden.first).toHaveLength(FIRST_LINES);
    expect(lines.slice(0, FIRST_LINES)).toEqual(golden.first);
  });
});
