// Writes test/golden/<lesson>.json for every lesson in examples/ (`npm run golden:update`),
// and removes golden files of lessons that are gone. Each lesson runs in-process to the end;
// its wall time is printed. test/unit/golden.test.ts fails until a changed trace is rewritten
// here, on purpose: say why in CHANGELOG.md.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR, ROOT, goldenPath, goldenText, lessonFiles, runLesson } from './golden';

mkdirSync(join(ROOT, GOLDEN_DIR), { recursive: true });
const files = lessonFiles();
const wanted = new Set(files.map(goldenPath));
let totalMs = 0;
for (const file of files) {
  const { golden, ms } = runLesson(file);
  totalMs += ms;
  const target = goldenPath(file);
  writeFileSync(join(ROOT, target), goldenText(golden));
  console.log(
    `${target}  ${golden.traceHash}  ${golden.events} events, ${golden.lines} trace lines  ${Math.round(ms)} ms`,
  );
}
for (const f of readdirSync(join(ROOT, GOLDEN_DIR))) {
  const stale = `${GOLDEN_DIR}/${f}`;
  if (f.endsWith('.json') && !wanted.has(stale)) {
    rmSync(join(ROOT, stale));
    console.log(`removed ${stale}: no such lesson`);
  }
}
console.log(`${files.length} lessons in ${(totalMs / 1000).toFixed(1)} s`);
