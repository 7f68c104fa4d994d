// Golden traces: per lesson (examples/*.yaml), the report's traceHash, its event count and the
// first lines of its `--trace` file, pinned in test/golden/<lesson>.json. Written by
// write-golden.ts (`npm run golden:update`), checked by test/unit/golden.test.ts. The lesson is
// loaded as `brokerlab run` loads it and its lines come from the trace writer's own traceLine.
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ALL_EVENTS, Simulation, runNames } from '../../sim-core/index';
import type { RunNames, SimEvent, SimObserver } from '../../sim-core/index';
import { loadScenario } from '../cli/load';
import { traceLine } from '../cli/trace-writer';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const LESSON_DIR = 'examples';
export const GOLDEN_DIR = 'test/golden';
/** Trace lines pinned per lesson. */
export const FIRST_LINES = 50;

export interface Golden {
  /** The lesson, relative to the repository root (`examples/mm1-theory.yaml`). */
  file: string;
  /** The seed it ran with: the scenario's own. */
  seed: number;
  /** The report's traceHash of the whole run. */
  traceHash: string;
  /** The report's event count (engine events, not trace lines). */
  events: number;
  /** Lines the whole run's trace file has. */
  lines: number;
  /** Its first FIRST_LINES lines, without newlines, exactly as `--trace` writes them. */
  first: string[];
}

/** The lessons' file names (`mm1-theory.yaml`), sorted. */
export function lessonFiles(): string[] {
  return readdirSync(join(ROOT, LESSON_DIR))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** A lesson's name: its file name without the extension. */
export function lessonName(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

/** Where a lesson's golden file lives, relative to the repository root. */
export function goldenPath(file: string): string {
  return `${GOLDEN_DIR}/${lessonName(file)}.json`;
}

/** Records the first `limit` trace lines, then only counts: one increment per event. */
class FirstLines implements SimObserver {
  readonly kinds = ALL_EVENTS;
  readonly first: string[] = [];
  count = 0;
  constructor(
    private readonly names: RunNames,
    private readonly limit: number,
  ) {}
  onEvent(ev: SimEvent): void {
    if (this.count++ < this.limit) this.first.push(traceLine(ev, this.names));
  }
}

/** Runs a lesson in-process to the end; returns its golden record and the run's wall time. */
export function runLesson(file: string): { golden: Golden; ms: number } {
  const rel = `${LESSON_DIR}/${basename(file)}`;
  const scenario = loadScenario(join(ROOT, rel));
  // The names the CLI's trace writer gets (runNames of the scenario).
  const lines = new FirstLines(runNames(scenario), FIRST_LINES);
  const t0 = performance.now();
  const sim = new Simulation(scenario, { observers: [lines] });
  const report = sim.run();
  const ms = performance.now() - t0;
  return {
    golden: {
      file: rel,
      seed: report.seed,
      traceHash: report.traceHash,
      events: report.events,
      lines: lines.count,
      first: lines.first,
    },
    ms,
  };
}

/** A golden file's text (formatted as Prettier formats JSON). */
export function goldenText(g: Golden): string {
  return JSON.stringify(g, null, 2) + '\n';
}
