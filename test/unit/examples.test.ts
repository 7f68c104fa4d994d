// The lessons in examples/: each parses and validates, tells the reader what to watch, and runs
// (in-process, capped to a few seconds of simulated time) with conservation holding.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseScenarioText,
  validateScenario,
  Simulation,
  checkEventBudget,
  runnableProblems,
} from '../../sim-core/index';
import type { Scenario } from '../../sim-core/index';

const DIR = join(import.meta.dirname, '..', '..', 'examples');
const FILES = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

/** Simulated time a capped run may take at most, in ms. */
const MAX_DURATION_MS = 10_000;
/** Messages a producer of a drained run may send at most. */
const MAX_COUNT = 5000;

type Raw = Record<string, unknown>;

function raw(file: string): Raw {
  const parsed = parseScenarioText(readFileSync(join(DIR, file), 'utf8'), file);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return parsed.value as Raw;
}

function valid(value: unknown): Scenario {
  const result = validateScenario(value);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.scenario;
}

/**
 * The raw scenario with its duration capped (warmup and scheduled faults follow along) and, for
 * drained runs, its producers' counts capped.
 */
function capped(value: Raw): Raw {
  const out: Raw = { ...value };
  const duration = out.duration === undefined ? null : parseDuration(out.duration);
  const ms = duration === null ? MAX_DURATION_MS : Math.min(duration, MAX_DURATION_MS);
  out.duration = ms;
  // A warmup as long as the capped run would leave nothing to measure (and is invalid).
  const warmup = out.warmup === undefined ? 0 : parseDuration(out.warmup);
  if (warmup !== null && warmup >= ms) out.warmup = ms / 4;
  // Scheduled faults keep their place relative to the (shortened) run, so the lesson still shows.
  if (Array.isArray(out.faults)) {
    const scale = duration === null || duration <= 0 ? 1 : ms / duration;
    out.faults = (out.faults as Raw[]).map((f) => {
      const at = parseDuration(f.at);
      if (at === null) return f;
      const moved = at * scale;
      return { ...f, at: moved < ms ? moved : ms / 2 };
    });
  }
  if (out.until === 'drained' && Array.isArray(out.producers)) {
    out.producers = (out.producers as Raw[]).map((p) =>
      typeof p.count === 'number' ? { ...p, count: Math.min(p.count, MAX_COUNT) } : p,
    );
  }
  return out;
}

describe('examples/', () => {
  it('holds lessons', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  describe.each(FILES)('%s', (file) => {
    it('parses and validates, and its description says what to watch', () => {
      const s = valid(raw(file));
      // What `brokerlab validate` checks beyond validation (test/cli spawns it on one example).
      expect(runnableProblems(s)).toEqual([]);
      expect(() => checkEventBudget(s)).not.toThrow();
      expect(s.name.length).toBeGreaterThan(0);
      expect(typeof s.description).toBe('string');
      expect(s.description.trim().length).toBeGreaterThan(0);
      expect(s.description).toMatch(/watch/i);
    });

    it('runs (capped) with conservation holding', () => {
      const s = valid(capped(raw(file)));
      expect(s.duration).not.toBeNull();
      expect(s.duration!).toBeLessThanOrEqual(MAX_DURATION_MS);
      const report = new Simulation(s).run();
      expect(report.checks.conservation).toBe(true);
      expect(report.totals.processed).toBeGreaterThan(0);
      expect(report.simulatedMs).toBeLessThanOrEqual(MAX_DURATION_MS);
      expect(report.traceHash).toMatch(/^[0-9a-f]{16}$/);
    });
  });
});
