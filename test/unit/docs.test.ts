// The drift check between the code and docs/semantics.md: the generated sections equal what the
// code renders, and the anomaly table covers exactly the report's anomaly counters.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANOMALIES, EVENT_KINDS, Simulation, validateScenario } from '../../sim-core/index';
import { regenerate, replaceSection, semanticsDocPath } from '../../bench/tools/write-docs';

/** Totals fields that are plain counts of what happened, not anomalies. */
const PLAIN_COUNTS = [
  'published',
  'enqueued',
  'delivered',
  'acked',
  'nacked',
  'processed',
  'replies',
];

function tinyRunTotals(): string[] {
  const result = validateScenario({
    name: 'docs drift check',
    duration: 100,
    producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 } }],
    channels: [{ id: 'q', kind: 'queue' }],
    consumers: [{ id: 'c', from: 'q', service: { kind: 'constant', value: 1 } }],
  });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return Object.keys(new Simulation(result.scenario).run().totals);
}

describe('docs/semantics.md', () => {
  const text = readFileSync(semanticsDocPath(), 'utf8');

  it('has generated sections equal to what the code renders (run: npx tsx bench/tools/write-docs.ts)', () => {
    expect(regenerate(text)).toBe(text);
  });

  it('lists every anomaly counter and every event kind', () => {
    for (const a of ANOMALIES) expect(text).toContain(`| \`${a.field}\` |`);
    for (const e of EVENT_KINDS) expect(text).toContain(`| \`${e.name}\` |`);
  });
});

describe('replaceSection', () => {
  it('replaces only what lies between the markers', () => {
    const doc = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n';
    expect(replaceSection(doc, 'x', 'new')).toBe('a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n');
  });

  it('refuses a page with a missing or repeated marker', () => {
    expect(() => replaceSection('no markers', 'x', 'new')).toThrow(/once each/);
    const twice = '<!-- x:start --><!-- x:end --><!-- x:start --><!-- x:end -->';
    expect(() => replaceSection(twice, 'x', 'new')).toThrow(/once each/);
  });
});

describe('ANOMALIES', () => {
  const totals = tinyRunTotals();

  it("names only fields of the report's totals, once each", () => {
    const fields = ANOMALIES.map((a) => a.field);
    expect(new Set(fields).size).toBe(fields.length);
    for (const f of fields) expect(totals).toContain(f);
  });

  it('covers every totals field except the plain counts', () => {
    const covered = new Set<string>(ANOMALIES.map((a) => a.field));
    const missing = totals.filter((f) => !PLAIN_COUNTS.includes(f) && !covered.has(f));
    expect(missing).toEqual([]);
  });

  it('gives each counter a title, a one-sentence meaning, causes and a mirror', () => {
    for (const a of ANOMALIES) {
      expect(a.title.length, a.field).toBeGreaterThan(0);
      expect(a.meaning, a.field).toMatch(/^[A-Z].*\.$/);
      expect(a.meaning.split(/\.\s/).length, `${a.field}: one sentence`).toBe(1);
      expect(a.causes.length, a.field).toBeGreaterThan(0);
      expect(a.mirrors.length, a.field).toBeGreaterThan(0);
    }
  });
});
