// Regenerates the generated sections of docs/semantics.md from the code: the anomaly table
// (sim-core/model/anomalies.ts) and the event table (EVENT_KINDS), each between its markers.
// Run with `npx tsx bench/tools/write-docs.ts`; test/unit/docs.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_KINDS, renderAnomalyTable } from '../../sim-core/index';

/** The page holding the generated sections, relative to the repository root. */
export const SEMANTICS_DOC = 'docs/semantics.md';

/** The event table as Markdown: each event's name, what `where` and `aux` hold, its meaning. */
export function renderEventTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = EVENT_KINDS.map(
    (e) => `| \`${e.name}\` | ${e.kind} | ${e.where} | ${cell(e.aux ?? '')} | ${cell(e.meaning)} |`,
  );
  return [
    '| Event | Code | `where` | `aux` | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Each generated section: its marker name and its content. */
export function generatedSections(): Array<{ name: string; content: string }> {
  return [
    { name: 'anomalies', content: renderAnomalyTable() },
    { name: 'events', content: renderEventTable() },
  ];
}

/** Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->` (each exactly once). */
export function replaceSection(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from || text.indexOf(start, from + 1) >= 0 || text.indexOf(end, to + 1) >= 0)
    throw new Error(`${SEMANTICS_DOC} must hold "${start}" and then "${end}", once each`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The page with every generated section brought up to date. */
export function regenerate(text: string): string {
  return generatedSections().reduce((t, s) => replaceSection(t, s.name, s.content), text);
}

/** Absolute path of the page. */
export function semanticsDocPath(): string {
  return fileURLToPath(new URL(`../../${SEMANTICS_DOC}`, import.meta.url));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = semanticsDocPath();
  const before = readFileSync(file, 'utf8');
  const after = regenerate(before);
  if (after !== before) writeFileSync(file, after);
  console.log(after === before ? `${file} is up to date` : `wrote ${file}`);
}
