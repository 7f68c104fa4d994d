// The shapes of what sweep and compare write: JSON documents a lab can recognise, CSV with one
// row per run, summaries, tables and a self-contained HTML report. Built from outcomes made
// in-process (runJob), so no worker threads are needed here.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../sim-core/index';
import { compareHtml } from '../../bench/harness/compare-html';
import { COMPARE_KIND, compareJson, compareTable } from '../../bench/harness/compare-output';
import { compareJobs, compareResults } from '../../bench/harness/compare-results';
import type { CompareSide } from '../../bench/harness/compare-results';
import { seedList } from '../../bench/harness/grid';
import { CDF_PROBABILITIES } from '../../bench/harness/latency-cdf';
import { METRICS } from '../../bench/harness/metrics';
import { runJob } from '../../bench/harness/run-job';
import type { RunOutcome } from '../../bench/harness/run-job';
import { ScenarioSchema } from '../../bench/harness/scenario-schema';
import { sweepHtml } from '../../bench/harness/sweep-html';
import {
  SWEEP_KIND,
  sweepJson,
  sweepRunsCsv,
  sweepSummaryCsv,
  sweepTable,
} from '../../bench/harness/sweep-output';
import { planSweep, sweepJobs } from '../../bench/harness/sweep-plan';
import type { SweepPlan } from '../../bench/harness/sweep-plan';
import { sweepResults } from '../../bench/harness/sweep-results';
import { parseAxes } from '../../bench/harness/vary';
import { TINY } from './harness-fixtures';

const schema = new ScenarioSchema();

function tinyPlan(seeds = 3): SweepPlan {
  const axes = parseAxes(schema, TINY, [
    'consumers.w.prefetch=1,5',
    'channels.q.ackTimeout=5s,none',
  ]);
  return planSweep({ file: 'tiny.json', raw: TINY, axes, seeds });
}

const PLAN = tinyPlan();
const OUTCOMES = sweepJobs(PLAN).map(runJob);

/** No scheme://, no src= or href= to anything but data: and fragments: the page opens offline. */
function expectSelfContained(html: string): void {
  const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  for (const u of urls) expect(u, u).toMatch(/^(?:data:|#|$)/);
  const external = html.match(/https?:\/\/[^\s"')]+/g) ?? [];
  expect(external.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
}

describe('runJob', () => {
  it('reports what a direct run reports, and nothing that grows with the run', () => {
    const job = sweepJobs(PLAN)[0];
    const outcome = runJob(job);
    const report = new Simulation(job.scenario, { seed: job.seed }).run();
    expect(outcome).toMatchObject({ ok: true, traceHash: report.traceHash, conservation: true });
    if (!outcome.ok) return;
    expect(Object.keys(outcome.metrics)).toEqual(METRICS.map((d) => d.key));
    expect(outcome.metrics.latencyP99Ms).toBe(report.latency.endToEnd.p99);
    expect(outcome.metrics.processed).toBe(report.totals.processed);
    expect(outcome.latencyQuantilesMs).toBeNull();
  });

  it('turns an engine error (here: a budget) into a failed outcome', () => {
    const job = sweepJobs(PLAN)[0];
    const scenario = { ...job.scenario, limits: { ...job.scenario.limits, maxEvents: 50 } };
    const outcome = runJob({ ...job, scenario });
    expect(outcome.ok).toBe(false);
    expect(outcome.ok || outcome.error).toMatch(/^run stopped: .*event/);
  });
});

describe('sweep output', () => {
  const results = sweepResults(PLAN, OUTCOMES, true);

  it('has one row per run in plan order and a summary per point', () => {
    expect(results.rows.map((r) => [r.point, r.seed])).toEqual([
      [0, 7],
      [0, 8],
      [0, 9],
      [1, 7],
      [1, 8],
      [1, 9],
      [2, 7],
      [2, 8],
      [2, 9],
      [3, 7],
      [3, 8],
      [3, 9],
    ]);
    expect(results.summary).toHaveLength(4);
    const s = results.summary[1];
    expect(s.values).toEqual([1, 'none']);
    expect(s.ok).toBe(3);
    const p99 = results.rows.filter((r) => r.point === 1).map((r) => r.metrics!.latencyP99Ms);
    expect(s.metrics.latencyP99Ms.mean).toBeCloseTo((p99[0] + p99[1] + p99[2]) / 3, 12);
    expect(s.metrics.latencyP99Ms.halfWidth).toBeGreaterThan(0);
  });

  it('writes JSON a lab can recognise: kind, version, vary, seeds, runs and summary', () => {
    const doc = JSON.parse(sweepJson(results));
    expect(doc.kind).toBe(SWEEP_KIND);
    expect(doc.version).toBe(1);
    expect(doc.scenario).toEqual({ name: 'tiny', file: 'tiny.json' });
    expect(doc.vary).toEqual([
      { path: 'consumers.w.prefetch', values: [1, 5] },
      { path: 'channels.q.ackTimeout', values: ['5s', 'none'] },
    ]);
    expect(doc.seeds).toEqual([7, 8, 9]);
    expect(doc.complete).toBe(true);
    expect(doc.runs).toHaveLength(12);
    expect(doc.runs[3]).toMatchObject({
      point: 1,
      values: { 'consumers.w.prefetch': 1, 'channels.q.ackTimeout': 'none' },
      seed: 7,
      status: 'ok',
      error: null,
    });
    expect(doc.runs[3].traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(doc.summary[0].metrics.lost)).toEqual([
      'n',
      'mean',
      'sd',
      'halfWidth',
      'ciLow',
      'ciHigh',
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/wall/i);
  });

  it('writes CSV with one row per run and a summary CSV with one row per point', () => {
    const runs = sweepRunsCsv(results).trimEnd().split('\n');
    expect(runs).toHaveLength(13);
    expect(runs[0]).toBe(
      `point,consumers.w.prefetch,channels.q.ackTimeout,seed,status,error,${METRICS.map((d) => d.key).join(',')},traceHash`,
    );
    expect(runs[1]).toMatch(/^0,1,5s,7,ok,,/);
    const summary = sweepSummaryCsv(results).trimEnd().split('\n');
    expect(summary).toHaveLength(5);
    expect(summary[0]).toMatch(
      /^point,consumers.w.prefetch,channels.q.ackTimeout,ok,failed,latencyP50Ms.mean,latencyP50Ms.sd,latencyP50Ms.ciLow,latencyP50Ms.ciHigh,/,
    );
  });

  it('keeps only finished runs when interrupted, and names a failed run fully', () => {
    const partial: Array<RunOutcome | undefined> = [...OUTCOMES];
    partial[1] = { index: 1, ok: false, error: 'worker crashed: the run ran out of memory' };
    partial.fill(undefined, 5);
    const r = sweepResults(PLAN, partial, false);
    expect(r.rows).toHaveLength(5);
    expect(r.rows[1]).toMatchObject({ status: 'failed', metrics: null });
    expect(r.rows[1].error).toBe(
      'tiny (consumers.w.prefetch=1, channels.q.ackTimeout=5s) seed 8: worker crashed: the run ran out of memory',
    );
    expect(r.summary[0]).toMatchObject({ ok: 2, failed: 1 });
    expect(r.summary[3]).toMatchObject({ ok: 0, failed: 0 });
    expect(JSON.parse(sweepJson(r)).complete).toBe(false);
    const csv = sweepRunsCsv(r).split('\n');
    expect(csv[2]).toContain(
      '"tiny (consumers.w.prefetch=1, channels.q.ackTimeout=5s) seed 8: worker crashed',
    );
    expect(sweepTable(r)).toMatch(/5 runs finished, 1 failed \(interrupted\)/);
  });

  it('says there is no interval with one seed instead of printing one', () => {
    const one = tinyPlan(1);
    const r = sweepResults(one, sweepJobs(one).map(runJob), true);
    expect(r.summary[0].metrics.latencyP99Ms.ciLow).toBeNull();
    expect(sweepTable(r)).toMatch(/One seed: means only, no confidence interval/);
    expect(sweepTable(r)).not.toContain('±');
  });

  it('draws a self-contained HTML report with a chart per headline metric and parameter', () => {
    const html = sweepHtml(results);
    expectSelfContained(html);
    expect(html.match(/<svg /g)).toHaveLength(14);
    expect(html).toContain('p99 end-to-end latency vs consumers.w.prefetch');
    expect(html).toContain('95% confidence interval');
    expect(html).toContain('fill-opacity="0.16"');
  });
});

describe('compare output', () => {
  const side = (label: 'A' | 'B', prefetch: number): CompareSide => {
    const p = tinyPlan(1);
    const scenario = {
      ...p.points[0].scenario,
      consumers: [{ ...p.points[0].scenario.consumers[0], prefetch }],
    };
    return { label, name: `tiny prefetch ${prefetch}`, file: `p${prefetch}.json`, scenario };
  };
  const a = side('A', 1);
  const b = side('B', 20);
  const seeds = seedList(7, 4);
  const outcomes = compareJobs(a, b, seeds).map(runJob);
  const results = compareResults(a, b, seeds, outcomes, true);

  it('runs both sides on the same seeds and pairs them', () => {
    expect(compareJobs(a, b, seeds).map((j) => j.seed)).toEqual([7, 8, 9, 10, 7, 8, 9, 10]);
    expect(results.pairedSeeds).toEqual(seeds);
    // Same producer, same seed: the same arrivals on both sides (common random numbers).
    const published = results.comparison.find((c) => c.def.key === 'published')!;
    expect(published.difference.verdict).toBe('identical');
    expect(results.sharedProducers).toEqual(['web']);
  });

  it('writes JSON with the comparison and latency CDF points per scenario', () => {
    const doc = JSON.parse(compareJson(results));
    expect(doc.kind).toBe(COMPARE_KIND);
    expect(doc.version).toBe(1);
    expect(doc.runs).toHaveLength(8);
    expect(doc.comparison.map((c: { metric: string }) => c.metric)).toEqual(
      METRICS.map((d) => d.key),
    );
    expect(doc.comparison[0].difference).toHaveProperty('verdict');
    expect(doc.latencyCdf.probabilities).toEqual(CDF_PROBABILITIES);
    for (const s of [doc.latencyCdf.a, doc.latencyCdf.b]) {
      expect(s.mean).toHaveLength(CDF_PROBABILITIES.length);
      expect(s.perSeed).toHaveLength(4);
      const ms = s.mean.map((p: [number, number]) => p[0]);
      expect(ms).toEqual([...ms].sort((x, y) => x - y));
    }
  });

  it('drops a seed from the comparison when either side failed on it', () => {
    const broken = [...outcomes];
    broken[5] = { index: 5, ok: false, error: 'boom' };
    const r = compareResults(a, b, seeds, broken, true);
    expect(r.pairedSeeds).toEqual([7, 9, 10]);
    expect(r.runs.find((x) => x.status === 'failed')!.error).toBe(
      'tiny prefetch 20 (p20.json) seed 8: boom',
    );
    expect(compareTable(r)).toMatch(
      /1 run failed; the comparison uses the 3 seeds where both finished/,
    );
  });

  it('prints the table with verdicts in words, and an honest note for one seed', () => {
    const table = compareTable(results);
    expect(table).toMatch(/published \(messages\) .* identical on every seed/);
    expect(table).toMatch(/"not significant": the interval contains 0/);
    const one = compareResults(a, b, [7], [outcomes[0], outcomes[4]], true);
    expect(compareTable(one)).toMatch(/no confidence interval can be given/);
    expect(compareTable(one)).toMatch(/no CI \(one seed\)/);
  });

  it('draws overlaid CDFs in a self-contained page', () => {
    const html = compareHtml(results);
    expectSelfContained(html);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('End-to-end latency CDF');
    expect(html).toContain('A: tiny prefetch 1');
  });
});
