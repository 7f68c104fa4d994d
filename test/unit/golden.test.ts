// Golden traces: every lesson, run in-process to the end on its own seed, still has the
// traceHash, event count and first trace lines pinned in test/golden/<lesson>.json. A change
// to the engine that changes what a lesson does fails here, naming the lesson and the first
// difference; if it is deliberate, `npm run golden:update` rewrites the files (say why in
// CHANGELOG.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FIRST_LINES,
  GOLDEN_DIR,
  ROOT,
  goldenPath,
  lessonFiles,
  lessonName,
  runLesson,
} from '../../bench/tools/golden';
import type { Golden } from '../../bench/tools/golden';

const LESSONS = lessonFiles();
const UPDATE =
  'If the change is deliberate, run `npm run golden:update` and say why in CHANGELOG.md.';

function pinned(file: string): Golden {
  return JSON.parse(readFileSync(join(ROOT, goldenPath(file)), 'utf8')) as Golden;
}

/** What differs between a run and its golden file, in sentences; empty when nothing does. */
function differences(got: Golden, want: Golden): string[] {
  const out: string[] = [];
  for (const field of ['file', 'seed', 'traceHash', 'events', 'lines'] as const)
    if (got[field] !== want[field])
      out.push(`${field} is ${String(got[field])}, pinned ${String(want[field])}`);
  const n = Math.max(got.first.length, want.first.length);
  for (let i = 0; i < n; i++) {
    if (got.first[i] !== want.first[i]) {
      out.push(
        `trace line ${i + 1} differs:\n    got    ${got.first[i] ?? '(none)'}\n    pinned ${want.first[i] ?? '(none)'}`,
      );
      break;
    }
  }
  return out;
}

describe('golden traces (test/golden/)', () => {
  it('has one golden file per lesson and none for a lesson that is gone', () => {
    const lessons = LESSONS.map(lessonName);
    const golden = readdirSync(join(ROOT, GOLDEN_DIR))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    const missing = lessons.filter((l) => !golden.includes(l));
    const stale = golden.filter((g) => !lessons.includes(g));
    expect(
      { missing, stale },
      `lessons without a golden file: [${missing.join(', ')}]; golden files without a lesson: [${stale.join(', ')}]. ` +
        'Run `npm run golden:update` (it writes the missing and removes the stale).',
    ).toEqual({ missing: [], stale: [] });
    expect(lessons.length).toBeGreaterThan(0);
  });

  it.each(LESSONS)('%s runs as pinned', (file) => {
    const target = goldenPath(file);
    if (!existsSync(join(ROOT, target)))
      expect.fail(`examples/${file} has no golden file ${target}. ${UPDATE}`);
    const want = pinned(file);
    const { golden: got } = runLesson(file);
    expect(got.first.length).toBe(Math.min(FIRST_LINES, got.lines));
    const diff = differences(got, want);
    if (diff.length > 0)
      expect.fail(
        `examples/${file} no longer runs as ${target} pins:\n  ${diff.join('\n  ')}\n${UPDATE}`,
      );
  });
});
