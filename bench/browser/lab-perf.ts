// The lab's performance in headless Chromium on this machine (`npm run bench:lab`):
//  - long tasks on the main thread while playing (target: none over 50 ms);
//  - frame rate while animating ~2,000 and ~10,000 messages in flight (targets 50 and 30 fps);
//  - simulation rate at "max" vs the engine's headless speed on the same scenario, both in this
//    browser's worker and in Node (target ≥ 70%).
// Prints a table and writes test-artifacts/lab-perf.json.

import { readFileSync, writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { Simulation, parseScenarioText, validateScenario } from '../../sim-core/index';
import { openPage, startLab } from './lab-browser';

interface FpsSample {
  label: string;
  speed: number;
  dotBudget: number;
  medianFps: number;
  p10Fps: number;
  meanDotsInFlight: number;
  sampleEvery: number;
  longestTaskMs: number;
}

const SCENARIO_FILE = 'bench/browser/lab-perf.yaml';
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** A share fragment carrying the benchmark scenario (the lab's own share format). */
function fragment(durationS: number): string {
  const text = readFileSync(SCENARIO_FILE, 'utf8').replace(
    /^duration: .*$/m,
    `duration: ${durationS}s`,
  );
  const data = deflateRawSync(Buffer.from(text)).toString('base64url');
  return `#scenario=${data}&name=lab-perf.yaml`;
}

async function setSpeed(page: Page, speed: number): Promise<void> {
  await page.getByRole('slider', { name: 'Speed' }).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(Math.log10(v));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, speed);
}

/** Frame intervals and dots in flight over `seconds` of playing. */
async function measure(page: Page, seconds: number) {
  return page.evaluate(async (ms) => {
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    obs.observe({ type: 'longtask', buffered: false });
    const frames: number[] = [];
    const dots: number[] = [];
    const host = document.querySelector('[data-testid="topology"]') as HTMLElement;
    await new Promise<void>((done) => {
      let last = performance.now();
      const t0 = last;
      const tick = (now: number) => {
        frames.push(now - last);
        last = now;
        dots.push(Number(host.dataset.dots ?? 0));
        if (now - t0 < ms) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    obs.disconnect();
    return {
      frames,
      dots,
      sampleEvery: Number(host.dataset.sampleEvery ?? 1),
      longTasks,
    };
  }, seconds * 1000);
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function fpsRun(
  lab: Awaited<ReturnType<typeof startLab>>,
  label: string,
  speed: number,
  dotBudget: number,
): Promise<FpsSample> {
  const { page, errors } = await openPage(lab, `?dots=${dotBudget}${fragment(600)}`);
  await setSpeed(page, speed);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(3000); // let the sampling settle
  const m = await measure(page, 8);
  await page.close();
  if (errors.length > 0) throw new Error(errors.join('\n'));
  const fps = m.frames.slice(1).map((f) => 1000 / f);
  return {
    label,
    speed,
    dotBudget,
    medianFps: quantile(fps, 0.5),
    p10Fps: quantile(fps, 0.1),
    meanDotsInFlight: m.dots.reduce((a, b) => a + b, 0) / m.dots.length,
    sampleEvery: m.sampleEvery,
    longestTaskMs: Math.max(0, ...m.longTasks),
  };
}

/** Simulated seconds per wall second at "max" in the lab, and in the same browser's worker alone. */
async function maxSpeed(lab: Awaited<ReturnType<typeof startLab>>, durationS: number) {
  const { page, errors } = await openPage(lab, `?bench${fragment(durationS)}`);
  // Engine alone, in the lab's own worker: the whole run, no frames, no drawing.
  const headlessMs = await page.evaluate(async () => {
    const w = (window as unknown as { __brokerlab?: { fullReportMs(): Promise<number> } })
      .__brokerlab;
    return w ? w.fullReportMs() : NaN;
  });
  await page.getByRole('button', { name: 'Max speed' }).click();
  // Timed in the page, from the Play click to the finished run (no automation round trips).
  const labMs = await page.evaluate(async () => {
    const hash = document.querySelector('[data-testid="trace-hash"]') as HTMLElement;
    const play = [...document.querySelectorAll('button')].find((b) => b.ariaLabel === 'Play')!;
    const t0 = performance.now();
    play.click();
    await new Promise<void>((done) => {
      const check = () => (hash.dataset.done === 'true' ? done() : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  });
  const timing = await page.evaluate(() =>
    (window as unknown as { __brokerlab: { timing(): Promise<unknown> } }).__brokerlab.timing(),
  );
  console.log(
    `  max round: engine alone ${headlessMs.toFixed(0)} ms, lab ${labMs.toFixed(0)} ms (ratio ${(headlessMs / labMs).toFixed(2)}); lab worker busy ${JSON.stringify(timing)}`,
  );
  await page.close();
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return { headlessMs, labMs };
}

function nodeMs(durationS: number): number {
  const text = readFileSync(SCENARIO_FILE, 'utf8').replace(
    /^duration: .*$/m,
    `duration: ${durationS}s`,
  );
  const parsed = parseScenarioText(text, SCENARIO_FILE);
  if (!parsed.ok) throw new Error('bad scenario');
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error('bad scenario');
  new Simulation(v.scenario).run(); // warm the JIT
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    new Simulation(v.scenario).run();
    times.push(performance.now() - t0);
  }
  return quantile(times, 0.5);
}

async function main(): Promise<void> {
  const lab = await startLab();
  try {
    const fps = [
      await fpsRun(lab, '~2,000 in flight', 10, 4000),
      await fpsRun(lab, '~10,000 in flight', 60, 24000),
    ];
    const durationS = 1200;
    // ROUNDS fresh pages, each timing the engine alone and then the lab; the ratio is taken per
    // round and the median reported, as the machine's speed drifts more between rounds than within.
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await maxSpeed(lab, durationS));
    const median = (xs: number[]) => quantile(xs, 0.5);
    const max = {
      labMs: median(rounds.map((r) => r.labMs)),
      headlessMs: median(rounds.map((r) => r.headlessMs)),
      ratio: median(rounds.map((r) => r.headlessMs / r.labMs)),
    };
    const node = nodeMs(durationS);
    const result = {
      fps,
      max: {
        simulatedS: durationS,
        labWallMs: max.labMs,
        workerAloneWallMs: max.headlessMs,
        nodeWallMs: node,
        ratioVsWorker: max.ratio,
        roundRatios: rounds.map((r) => r.headlessMs / r.labMs),
        ratioVsNode: node / max.labMs,
      },
    };
    for (const f of fps)
      console.log(
        `${f.label.padEnd(18)} speed ${f.speed}× budget ${f.dotBudget}: median ${f.medianFps.toFixed(1)} fps, p10 ${f.p10Fps.toFixed(1)} fps, ` +
          `${Math.round(f.meanDotsInFlight)} dots in flight (1 in ${f.sampleEvery}), longest task ${f.longestTaskMs.toFixed(0)} ms`,
      );
    console.log(
      `max speed (${durationS} s simulated): lab ${max.labMs.toFixed(0)} ms; engine alone in the browser worker ${max.headlessMs.toFixed(0)} ms ` +
        `(median per-round ratio ${result.max.ratioVsWorker.toFixed(2)}); in Node ${node.toFixed(0)} ms (ratio ${result.max.ratioVsNode.toFixed(2)})`,
    );
    writeFileSync('test-artifacts/lab-perf.json', JSON.stringify(result, null, 2) + '\n');
  } finally {
    await lab.close();
  }
}

await main();
