// Every lesson's "try this" field change applies to its text, keeps the file's comments, and
// gives a valid scenario with the change in it.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, validateScenario } from '../../sim-core/index';
import { setFields } from '../../src/lab/edit-scenario';

const files = readdirSync('examples').filter((f) => f.endsWith('.yaml'));

function raw(text: string): Record<string, unknown> {
  const p = parseScenarioText(text, 'x.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.value as Record<string, unknown>;
}

describe('setFields', () => {
  for (const f of files) {
    const text = readFileSync(`examples/${f}`, 'utf8');
    const tries = (
      (raw(text).lesson as { try?: Array<{ set?: Record<string, unknown> }> }).try ?? []
    ).filter((t) => t.set);
    for (const t of tries)
      it(`${f}: ${JSON.stringify(t.set)}`, () => {
        const next = setFields(text, f, t.set!);
        expect(next).toContain('# yaml-language-server');
        expect(next).toContain('lesson:');
        const v = validateScenario(raw(next));
        expect(v.ok ? [] : v.errors).toEqual([]);
        expect(next).not.toBe(text);
      });
  }

  it('keeps JSON as JSON and names a bad path', () => {
    const json = JSON.stringify(raw(readFileSync('examples/competing-consumers.yaml', 'utf8')));
    const out = setFields(json, 'x.json', { 'consumers.workers.prefetch': 5 });
    expect(
      (JSON.parse(out) as { consumers: Array<{ prefetch: number }> }).consumers[0].prefetch,
    ).toBe(5);
    expect(() => setFields(json, 'x.json', { 'consumers.wrkers.prefetch': 5 })).toThrow(
      /consumers\.wrkers/,
    );
  });
});
