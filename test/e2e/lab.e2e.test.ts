// The lab in a real browser (built app, Debian's Chromium): what a student and an architect do,
// and proof that the browser's numbers are the CLI's numbers.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  ALL_EVENTS,
  Ev,
  Simulation,
  applySet,
  eventMask,
  parseScenarioText,
  validateScenario,
} from '../../sim-core/index';
import { requestReport } from '../../sim-core/index';
import type { LessonTry, Report } from '../../sim-core/index';
import { fmtCount, fmtMs } from '../../src/charts/format';
import { STATE_COLOURS } from '../../src/topology/palette';
import { ARTIFACTS, clippedText, openPage, startLab } from '../../bench/browser/lab-browser';
import type { Lab } from '../../bench/browser/lab-browser';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
}, 180_000);

afterAll(async () => {
  await lab?.close();
});

async function counter(page: Page, name: string): Promise<number> {
  const text = await page.locator(`[data-counter="${name}"] .value`).first().innerText();
  return Number(text.replace(/[^0-9.-]/g, ''));
}

async function traceHash(page: Page): Promise<string> {
  return page.locator('[data-testid="trace-hash"] code').innerText();
}

/** Plays at Max until the run has finished; returns its trace hash. */
async function runToEnd(page: Page): Promise<string> {
  const max = page.getByRole('button', { name: 'Max speed' });
  if ((await max.getAttribute('aria-pressed')) !== 'true') await max.click();
  const play = page.getByRole('button', { name: 'Play', exact: true });
  // Already playing (a Pause button instead), or already finished (Play disabled): just wait.
  if ((await play.count()) > 0 && (await play.isEnabled())) await play.click();
  await page.waitForSelector('[data-testid="trace-hash"][data-done="true"]', { timeout: 60_000 });
  return traceHash(page);
}

async function scenarioText(page: Page, panel = 'Scenario'): Promise<string> {
  const region = page.getByRole('region', { name: panel, exact: true });
  await region.getByRole('tab', { name: /YAML|JSON/ }).click();
  const text = await region.getByRole('textbox', { name: `${panel} text` }).inputValue();
  await region.getByRole('tab', { name: 'Form' }).click();
  return text;
}

function cliTraceHash(text: string, seed: number): string {
  const parsed = parseScenarioText(text, 'scenario.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { seed }).run().traceHash;
}

/** Opens an instance's fault menu the keyboard way (the canvas's targets are focusable buttons). */
async function openFaults(page: Page, instance: string): Promise<void> {
  const target = page.getByRole('button', { name: `Faults for ${instance}` });
  await target.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: `Faults for ${instance}` }).waitFor();
}

function parseRaw(text: string, fileName = 'scenario.yaml'): unknown {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** Every example whose lesson card has Try buttons, with its raw scenario. */
function lessonsWithTries(): Array<{ slug: string; raw: unknown; tries: LessonTry[] }> {
  return readdirSync('examples')
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const raw = parseRaw(readFileSync(join('examples', f), 'utf8'), f);
      const lesson = (raw as { lesson?: { try?: LessonTry[] } }).lesson;
      return { slug: f.replace(/\.yaml$/, ''), raw, tries: lesson?.try ?? [] };
    })
    .filter((l) => l.tries.length > 0);
}

/** What the canvas's live summary says is down once a fault of this kind has started. */
function downText(fault: Record<string, unknown>): string | null {
  if (fault.crash === 'broker') return 'The broker is down.';
  if (typeof fault.crash === 'string' && fault.crash.startsWith('broker#'))
    return `Broker nodes down or cut off: ${fault.crash}`;
  if (typeof fault.crash === 'string' || typeof fault.freeze === 'string')
    return 'Crashed, cut off or frozen:';
  if (Array.isArray(fault.partition)) return 'cut off'; // instances, or producers
  return null;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
}

describe('the lab in Chromium', () => {
  it('opens on the competing-consumers lesson, paused, with a Play button', async () => {
    const { page, errors } = await openPage(lab);
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Lesson' }).inputValue())
      .toBe('competing-consumers');
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    for (const name of ['Step', 'Reset']) await page.getByRole('button', { name }).waitFor();
    expect(await page.locator('[data-testid="clock"]').innerText()).toContain('00:00.000');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => counter(page, 'processed'), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot(page, 'first-contact-1440');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('crashing a consumer mid-run makes redeliveries rise and is recorded in the scenario', async () => {
    // A crash requeues only what the worker holds: at the lesson's 90% load it is idle one
    // click in ten. Overloaded (1,500/s for 1,000/s of service) it always holds one.
    const text = readFileSync('examples/competing-consumers.yaml', 'utf8');
    const overloaded = text.replace('perSecond: 900', 'perSecond: 1500');
    expect(overloaded).not.toBe(text);
    const data = deflateRawSync(Buffer.from(overloaded)).toString('base64url');
    const { page, errors } = await openPage(lab, `#scenario=${data}&name=overloaded.yaml`);
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => counter(page, 'processed'), { timeout: 10_000 }).toBeGreaterThan(50);
    expect(await counter(page, 'redelivered')).toBe(0);
    await openFaults(page, 'workers#1');
    await page
      .getByRole('dialog', { name: 'Faults for workers#1' })
      .getByRole('button', { name: 'Crash' })
      .click();
    await expect.poll(() => counter(page, 'redelivered'), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(page, 'after-crash-1440');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    expect(await scenarioText(page)).toMatch(/crash: "?workers#1"?, restart: 5000ms/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('steps one event at a time', async () => {
    const { page, errors } = await openPage(lab);
    const clock = page.locator('[data-testid="clock"]');
    await page.getByRole('button', { name: 'Step' }).click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => clock.innerText()).not.toContain('00:00.000');
    await expect.poll(() => page.locator('.recent li').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reset replays the identical run, and the trace hash equals the CLI’s', async () => {
    const { page, errors } = await openPage(lab, '#lesson=crash-duplicates');
    const first = await runToEnd(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    expect(first).toBe(cliTraceHash(await scenarioText(page), seed));
    await shot(page, 'finished-1440');
    await page.keyboard.press('r');
    await expect
      .poll(() => page.locator('[data-testid="clock"]').innerText())
      .toContain('00:00.000');
    expect(await runToEnd(page)).toBe(first);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a share link carries the scenario, seed and recorded faults to a new page', async () => {
    const { page, errors } = await openPage(lab, '#lesson=competing-consumers');
    await page.getByRole('textbox', { name: 'Seed' }).fill('7');
    await page.getByRole('textbox', { name: 'Seed' }).press('Enter');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => counter(page, 'processed'), { timeout: 10_000 }).toBeGreaterThan(20);
    await openFaults(page, 'workers#2');
    await page.getByRole('dialog').getByRole('button', { name: 'Crash' }).click();
    const hash = await runToEnd(page);
    await page.getByRole('button', { name: 'Share' }).click();
    const url = await page.getByTestId('share-url').inputValue();
    const other = await openPage(lab, url.slice(lab.url.length));
    expect(await other.page.getByRole('textbox', { name: 'Seed' }).inputValue()).toBe('7');
    expect(await runToEnd(other.page)).toBe(hash);
    expect(hash).toBe(cliTraceHash(await scenarioText(page), 7));
    expect(errors).toEqual([]);
    expect(other.errors).toEqual([]);
    await other.page.close();
    await page.close();
  });

  it('compare mode runs A and B on one seed, side by side, as the CLI would', async () => {
    const { page, errors } = await openPage(lab, '#lesson=prefetch-buffering');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('compare-table').waitFor();
    const b = page.getByRole('region', { name: 'Scenario B', exact: true });
    const prefetch = b.getByRole('spinbutton').nth(2);
    await prefetch.fill('1');
    await prefetch.press('Enter');
    await runToEnd(page);
    await page.getByTestId('compare-hashes').waitFor({ timeout: 60_000 });
    const [ha, hb] = await page.locator('[data-testid="compare-hashes"] code').allInnerTexts();
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    expect(ha).toBe(cliTraceHash(await scenarioText(page, 'Scenario A'), seed));
    expect(hb).toBe(cliTraceHash(await scenarioText(page, 'Scenario B'), seed));
    expect(ha).not.toBe(hb);
    await shot(page, 'compare-1440');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a sweep and a compare result from the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-results-'));
    const cli = (...args: string[]) =>
      execFileSync('node', ['bench/bin/brokerlab.mjs', ...args], { stdio: 'pipe' });
    cli(
      'sweep',
      'examples/prefetch-buffering.yaml',
      '--vary',
      'consumers.workers.prefetch=1,10,50',
      '--vary',
      'consumers.workers.instances=2,3',
      '--seeds',
      '3',
      '--duration',
      '10s',
      '--out',
      join(dir, 'sweep.json'),
    );
    cli(
      'compare',
      'examples/competing-consumers.yaml',
      'examples/prefetch-buffering.yaml',
      '--seeds',
      '3',
      '--duration',
      '10s',
      '--out',
      join(dir, 'compare.json'),
    );
    const { page, errors } = await openPage(lab);
    await page.locator('input[type=file]').setInputFiles(join(dir, 'sweep.json'));
    const results = page.getByTestId('results');
    await results.getByText('p99 end-to-end latency').first().waitFor();
    expect(await results.locator('svg[role=img]').count()).toBeGreaterThan(4);
    // prefetch-buffering loses nothing: its zero metrics are named, not drawn as flat charts.
    await expect
      .poll(() => results.getByTestId('zero-metrics').innerText())
      .toMatch(/^Zero at every point \(not charted\): .*lost/i);
    expect(await results.getByRole('img', { name: /^lost/i }).count()).toBe(0);
    // No tick of a chart reads like a fraction of a message ("200m").
    const ticks = await results.locator('svg text.tick').allInnerTexts();
    expect(ticks.filter((t) => /^\d+(\.\d+)?m$/.test(t))).toEqual([]);
    await shot(page, 'sweep-results-1440');
    await results.getByRole('button', { name: 'Close' }).click();
    await page.locator('input[type=file]').setInputFiles(join(dir, 'compare.json'));
    await results.getByText('not significant').first().waitFor();
    await shot(page, 'compare-results-1440');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 1280×720 projector', async () => {
    const { page, errors } = await openPage(lab, '#lesson=kafka-rebalance-replay');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => counter(page, 'processed'), { timeout: 10_000 }).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }));
    expect(overflow).toEqual({ x: 0, y: 0 });
    // The layout cut no name short (it wraps them first), measured with the browser's fonts.
    expect(await page.getByTestId('topology').getAttribute('data-clipped')).toBe('');
    await shot(page, 'kafka-1280');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('every lesson at 1280×720, playing: no text cut short, no sideways scroll', async () => {
    const slugs = readdirSync('examples')
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''));
    const { page, errors } = await openPage(lab, '');
    await page.setViewportSize({ width: 1280, height: 720 });
    const cut: string[] = [];
    for (const slug of slugs) {
      await page.getByRole('combobox', { name: 'Lesson' }).selectOption(slug);
      await page.getByRole('button', { name: 'Play', exact: true }).click();
      await expect.poll(() => shownUs(page), { timeout: 10_000 }).toBeGreaterThan(1e6);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      for (const c of await clippedText(page)) cut.push(`${slug}: ${c}`);
    }
    expect(cut).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a #lesson= link pasted into the open tab loads that lesson', async () => {
    const { page, errors } = await openPage(lab, '#lesson=competing-consumers');
    await page.evaluate(() => {
      location.hash = '#lesson=crash-duplicates';
    });
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Lesson' }).inputValue())
      .toBe('crash-duplicates');
    expect(await scenarioText(page)).toContain('name: At-least-once duplicates on consumer crash');
    await page.goBack();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Lesson' }).inputValue())
      .toBe('competing-consumers');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('menus and small things', () => {
  it('Export saves the report (JSON, CSV) and the scenario, and its menu closes', async () => {
    const { page, errors } = await openPage(lab, '#lesson=mm1-theory');
    const menu = page.getByRole('menu');
    const exportButton = page.getByRole('button', { name: 'Export ▾' });
    const save = async (item: string) => {
      await exportButton.click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        menu.getByRole('menuitem', { name: item }).click(),
      ]);
      const path = await download.path();
      return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
    };
    const json = await save('Report (JSON)');
    expect(json.name).toBe('mm1-theory-seed7.report.json');
    expect(JSON.parse(json.text).traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(await menu.count()).toBe(0); // choosing an item closes the menu
    const csv = await save('Report (CSV)');
    expect(csv.name).toBe('mm1-theory-seed7.report.csv');
    expect(csv.text.split('\n')[0]).toContain('traceHash');
    const scenario = await save('Scenario file');
    expect(scenario.name).toBe('mm1-theory.yaml');
    expect(scenario.text).toContain('name: One server at 80% load (M/M/1)');
    // Escape, or a click elsewhere, closes it too.
    await exportButton.click();
    await menu.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await exportButton.click();
    await menu.waitFor();
    await page.getByTestId('clock').click();
    await expect.poll(() => menu.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('picking another lesson from the menu opens it at normal speed, not Max', async () => {
    const { page, errors } = await openPage(lab, '#lesson=competing-consumers');
    const max = page.getByRole('button', { name: 'Max speed' });
    await max.click();
    expect(await max.getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('combobox', { name: 'Lesson' }).selectOption('mm1-theory');
    await expect
      .poll(() => page.getByTestId('lesson-card').locator('h2').innerText())
      .toBe('One server at 80% load (M/M/1)');
    expect(await max.getAttribute('aria-pressed')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so on screen when the engine cannot reach the speed asked for, and stops saying it when it can', async () => {
    // 3,600 msg/s at 1000× is millions of events a second: beyond the engine in a browser. (A
    // count of 4 million, not the lesson's 400,000: the run must outlast a judging window.)
    const long = readFileSync('examples/mmc-theory.yaml', 'utf8').replace(
      'count: 400000',
      'count: 4000000',
    );
    expect(long).toContain('count: 4000000');
    const data = deflateRawSync(Buffer.from(long)).toString('base64url');
    const { page, errors } = await openPage(lab, `#scenario=${data}&name=long-mmc.yaml`);
    const speed = page.getByRole('slider', { name: 'Speed' });
    await speed.fill('3'); // log10: 1000×
    expect(await page.getByRole('status', { name: 'Current speed' }).innerText()).toBe('1000×');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const note = page.getByTestId('speed-reached');
    await note.waitFor({ timeout: 15_000 });
    const text = await note.innerText();
    expect(text).toMatch(/^only [0-9.]+× here$/);
    const reached = Number(/only ([0-9.]+)×/.exec(text)![1]);
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(800);
    expect(await note.getAttribute('title')).toContain('Asked for 1000×');
    await page.screenshot({ path: `${ARTIFACTS}/speed-reached.png` });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${ARTIFACTS}/speed-reached-1280.png` });
    // Nothing in the controls' row is squeezed: every button keeps its full width.
    for (const name of ['Pause', 'Back', 'Step', 'Reset', 'Max speed']) {
      const b = page.getByRole('button', { name, exact: true });
      expect(await b.evaluate((e) => e.scrollWidth <= e.clientWidth + 1), name).toBe(true);
    }
    // At 1× the engine keeps up: the note goes within a judging window or two.
    await speed.fill('0');
    await note.waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("names the lesson's own producer in the inspector and titles a log's lag chart", async () => {
    const { page, errors } = await openPage(lab, '#lesson=kafka-retention-loss');
    const producer = (
      parseRaw(readFileSync('examples/kafka-retention-loss.yaml', 'utf8')) as {
        producers: Array<{ id: string }>;
      }
    ).producers[0].id;
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message id' }).getAttribute('placeholder'))
      .toBe(`${producer}:42`);
    await page.getByText('Queue depth and log lag').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a hardened page', () => {
  it('has a Content-Security-Policy that allows no eval and no foreign script', async () => {
    const { page, errors } = await openPage(lab);
    const csp = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    // Script put into the page (as an injection would) does not run, and is reported.
    const injected = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(e.effectiveDirective),
      );
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.head.append(script);
      await new Promise((r) => setTimeout(r, 100));
      return {
        ran: (window as unknown as { __injected?: boolean }).__injected === true,
        violations,
      };
    });
    expect(injected).toEqual({ ran: false, violations: ['script-src-elem'] });
    // The lab works under it: the engine's worker runs.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => counter(page, 'processed'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(errors.filter((e) => !e.includes('Executing inline script violates'))).toEqual([]);
    await page.close();
  });

  it('a share link that would inflate past 8 MB is refused with a message', async () => {
    const bomb = deflateRawSync(Buffer.alloc(64 * 2 ** 20)).toString('base64url');
    const { page } = await openPage(lab, `#scenario=${bomb}&name=bomb.yaml`);
    await expect
      .poll(() => page.locator('.toast[role=status]').innerText())
      .toMatch(/larger than 8\.0 MB once unpacked: not opened\. Opening the default lesson\./);
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Lesson' }).inputValue())
      .toBe('competing-consumers');
    await page.close();
  });
});

/** The CLI's report of an example at its own seed. */
function cliReport(slug: string): Report {
  const file = `examples/${slug}.yaml`;
  const v = validateScenario(parseRaw(readFileSync(file, 'utf8'), file));
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario).run();
}

/** A cell of a per-node table (`per-consumer`, `per-channel`, `by-priority`). */
function cell(page: Page, table: string, row: string, column: string) {
  return page
    .getByTestId(table)
    .locator(`tr[data-row="${row}"] td[data-column="${column}"]`)
    .innerText();
}

/** How many pixels of the dots layer have each colour (#rrggbb, as drawn: opaque). */
async function dotPixels(page: Page, colours: string[]): Promise<number[]> {
  return page.evaluate((hexes) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=topology] canvas.dots')!;
    // Read through a copy made for readbacks, so the lab's own canvas is not slowed (or warned).
    const copy = new OffscreenCanvas(canvas.width, canvas.height);
    const g = copy.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(canvas, 0, 0);
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const want = hexes.map((h) => parseInt(h.slice(1), 16));
    const counts = want.map(() => 0);
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] !== 255) continue;
      const k = want.indexOf((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      if (k >= 0) counts[k]++;
    }
    return counts;
  }, colours);
}

/** A fingerprint of the dots layer's pixels, and where (CSS px) the first dot of `hex` is. */
async function dotsLayer(
  page: Page,
  hex: string,
): Promise<{ hash: number; at: [number, number] | null }> {
  return page.evaluate((want) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=topology] canvas.dots')!;
    const copy = new OffscreenCanvas(canvas.width, canvas.height);
    const g = copy.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(canvas, 0, 0);
    const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const target = parseInt(want.slice(1), 16);
    let hash = 0;
    let at: [number, number] | null = null;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] === 0) continue;
      hash = (Math.imul(hash, 31) + i + px[i] + (px[i + 1] << 8) + (px[i + 2] << 16)) | 0;
      if (at === null && ((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]) === target) {
        const p = i / 4;
        // The centre of the dot: a few pixels below its top row (a disc of radius 3 CSS px).
        const box = canvas.getBoundingClientRect();
        const scale = canvas.width / box.width;
        at = [
          box.left + (p % canvas.width) / scale,
          box.top + Math.floor(p / canvas.width) / scale + 2.5,
        ];
      }
    }
    return { hash, at };
  }, hex);
}

describe('pause freezes the dots', () => {
  it('a paused run keeps its dots where they are, and one of them can be clicked to follow its message', async () => {
    const { page, errors } = await openPage(lab, '#lesson=competing-consumers');
    await page.getByRole('slider', { name: 'Speed' }).fill('-1'); // 0.1×: hops take long
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect
      .poll(async () => (await dotsLayer(page, STATE_COLOURS.first)).at, { timeout: 10_000 })
      .not.toBeNull();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForTimeout(200);
    const paused = await dotsLayer(page, STATE_COLOURS.first);
    expect(paused.at).not.toBeNull();
    // A second later (several 150 ms hops' worth of wall time): the very same pixels.
    await page.waitForTimeout(1000);
    expect((await dotsLayer(page, STATE_COLOURS.first)).hash).toBe(paused.hash);
    await page.mouse.click(paused.at![0], paused.at![1]);
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message id' }).inputValue())
      .toMatch(/^web:\d+$/);
    // Playing again, they move on.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect
      .poll(async () => (await dotsLayer(page, STATE_COLOURS.first)).hash)
      .not.toBe(paused.hash);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('per-node numbers and message colours', () => {
  it('request-reply: the Requests table shows each caller’s replies, timeouts and failures, as the CLI’s', async () => {
    const { page, errors } = await openPage(lab, '#lesson=request-reply');
    await runToEnd(page);
    const r = cliReport('request-reply');
    for (const id of Object.keys(r.producers)) {
      const p = requestReport(r, id);
      expect(await cell(page, 'requests', id, 'replies')).toBe(fmtCount(p.replies));
      expect(await cell(page, 'requests', id, 'replyTimeouts')).toBe(fmtCount(p.replyTimeouts));
      expect(await cell(page, 'requests', id, 'lateReplies')).toBe(fmtCount(p.lateReplies));
      expect(await cell(page, 'requests', id, 'failed')).toBe(fmtCount(p.failed));
      expect(await cell(page, 'requests', id, 'p99')).toBe(fmtMs(p.roundTrip.p99));
    }
    expect(requestReport(r, 'shop-rpc').replyTimeouts).toBeGreaterThan(1000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the fault menu freezes an instance: the card says frozen and the fault is recorded', async () => {
    const { page, errors } = await openPage(lab, '#lesson=competing-consumers');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => counter(page, 'processed'), { timeout: 10_000 }).toBeGreaterThan(20);
    await openFaults(page, 'workers#2');
    await page.getByRole('dialog').getByRole('button', { name: 'Freeze' }).click();
    const summary = page.getByTestId('topology').locator('p.sr-only');
    await expect.poll(() => summary.innerText()).toContain('Crashed, cut off or frozen: workers#2');
    expect(await scenarioText(page)).toMatch(/freeze: workers#2/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("queue-vs-pubsub: each service's numbers on the diagram and in the tables, as the CLI's", async () => {
    const { page, errors } = await openPage(lab, '#lesson=queue-vs-pubsub');
    const summary = page.getByTestId('topology').locator('p.sr-only');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    // Live, while it plays: the diagram's numbers move.
    await expect.poll(() => summary.innerText(), { timeout: 10_000 }).toMatch(/billing-svc: [1-9]/);
    await runToEnd(page);
    const r = cliReport('queue-vs-pubsub');
    expect(r.consumers['orders-billing'].processed).toBeLessThan(3000);
    expect(r.consumers['billing-svc'].processed).toBe(5000);
    for (const [id, c] of Object.entries(r.consumers)) {
      expect(await cell(page, 'per-consumer', id, 'processed')).toBe(fmtCount(c.processed));
      expect(await cell(page, 'per-consumer', id, 'p99')).toBe(fmtMs(c.latency.p99));
      await expect.poll(() => summary.innerText()).toContain(`${id}: ${c.processed} done`);
    }
    for (const name of ['orders', 'order-events/billing', 'order-events/shipping'])
      expect(await cell(page, 'per-channel', name, 'enqueued')).toBe(
        fmtCount((r.channels[name] as { enqueued: number }).enqueued),
      );
    expect(await counter(page, 'enqueued')).toBe(15_000);
    // The latency view of the same table: a consumer's whole summary.
    const perConsumer = page.getByTestId('per-consumer');
    await perConsumer.getByRole('button', { name: 'latency', exact: true }).click();
    expect(await cell(page, 'per-consumer', 'shipping-svc', 'p50')).toBe(
      fmtMs(r.consumers['shipping-svc'].latency.p50),
    );
    await perConsumer.getByRole('button', { name: 'counts', exact: true }).click();
    expect(await cell(page, 'per-consumer', 'shipping-svc', 'processed')).toBe('5,000');
    await shot(page, 'per-node-queue-vs-pubsub-1440');
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['ordering-competing-consumers', ['scaled'], ['single']],
    ['ordering-kept-fifo-and-partitions', ['plain'], ['fifo', 'partitioned']],
  ])('%s: order violations per consumer, hundreds against 0', async (slug, bad, good) => {
    const { page, errors } = await openPage(lab, `#lesson=${slug}`);
    await runToEnd(page);
    const r = cliReport(slug);
    const violations = (id: string) => cell(page, 'per-consumer', id, 'orderViolations');
    for (const id of bad) {
      expect(r.consumers[id].orderViolations).toBeGreaterThan(100);
      expect(await violations(id)).toBe(fmtCount(r.consumers[id].orderViolations));
    }
    for (const id of good) expect(await violations(id)).toBe('0');
    const summary = page.getByTestId('topology').locator('p.sr-only');
    await expect
      .poll(() => summary.innerText())
      .toContain(`${bad[0]}: ${r.consumers[bad[0]].processed} done · `);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('in-flight-reordering: per producer, the confirm latency that one in flight costs', async () => {
    const { page, errors } = await openPage(lab, '#lesson=in-flight-reordering');
    await runToEnd(page);
    const r = cliReport('in-flight-reordering');
    for (const id of ['pipelined', 'one-by-one', 'idempotent']) {
      expect(await cell(page, 'per-producer', id, 'confirmed')).toBe(
        fmtCount(r.producers[id].confirmed),
      );
      expect(await cell(page, 'per-producer', id, 'publish-p99')).toBe(
        fmtMs(r.producers[id].publishLatency.p99),
      );
    }
    expect(await cell(page, 'per-consumer', 'ledger-pipelined', 'orderViolations')).toBe(
      fmtCount(r.consumers['ledger-pipelined'].orderViolations),
    );
    expect(await cell(page, 'per-consumer', 'ledger-idempotent', 'orderViolations')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('flow-control-vs-overflow: the blocked producer, and each node with what it leads', async () => {
    const { page, errors } = await openPage(lab, '#lesson=flow-control-vs-overflow');
    await runToEnd(page);
    const r = cliReport('flow-control-vs-overflow');
    expect(await cell(page, 'per-producer', 'store', 'blockedMs')).toBe(
      fmtMs(r.producers.store.blockedMs),
    );
    for (const n of r.broker.nodes) {
      expect(await cell(page, 'broker-nodes', n.id, 'leaderOf')).toBe(n.leaderOf.join(', '));
      expect(await cell(page, 'broker-nodes', n.id, 'blockedMs')).toBe(fmtMs(n.blockedMs));
    }
    await shot(page, 'per-node-flow-control-1440');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tandem-theory: the theory panel names both servers and puts the closed form beside the run', async () => {
    const { page, errors } = await openPage(lab, '#lesson=tandem-theory');
    await runToEnd(page);
    const r = cliReport('tandem-theory');
    const panel = page.getByTestId('theory');
    await expect.poll(() => panel.locator('p.model').innerText()).toContain('M/D/1 → D/1');
    expect(await panel.locator('p.model').innerText()).toContain(
      `broker work ${fmtMs(r.theory!.brokerServiceMs)}`,
    );
    const row = panel.locator('tr[data-theory-row="endToEndMeanMs"]');
    expect(await row.locator('td.theory-value').innerText()).toBe(
      fmtMs(r.theory!.endToEndMeanMs.theory),
    );
    expect(await row.locator('td.measured').innerText()).toBe(
      fmtMs(r.theory!.endToEndMeanMs.measured),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('event-driven-chain: latency from the origin per service', async () => {
    const { page, errors } = await openPage(lab, '#lesson=event-driven-chain');
    await runToEnd(page);
    const r = cliReport('event-driven-chain');
    await page.getByTestId('per-consumer').getByRole('button', { name: 'from origin' }).click();
    for (const id of ['order-service', 'notifier'])
      expect(await cell(page, 'per-consumer', id, 'mean')).toBe(
        fmtMs(r.consumers[id].latencyFromOrigin.mean),
      );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exchange-routing: dots take their routing key’s colour, as the legend says', async () => {
    const { page, errors } = await openPage(lab, '#lesson=exchange-routing');
    const legend = page.getByRole('list', { name: 'Legend' });
    const keys = legend.locator('li.class');
    expect(await keys.allInnerTexts()).toEqual([
      'order.eu.new',
      'order.eu.paid',
      'order.us.new',
      'invoice.eu.sent',
      'refund.eu',
    ]);
    const colours = await keys.evaluateAll((els) => els.map((e) => e.getAttribute('data-colour')!));
    const colourBy = page.getByRole('group', { name: 'Colour dots by' });
    expect(
      await colourBy.getByRole('button', { name: 'routing key' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    // Every key's colour is on the canvas at some instant: dots in flight, by key.
    const seen = colours.map(() => 0);
    await expect
      .poll(
        async () => {
          (await dotPixels(page, colours)).forEach((n, k) => (seen[k] += n));
          return seen.filter((n) => n > 0).length;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe(colours.length);
    await shot(page, 'colour-by-key-1440');
    // Back to delivery states: the keys leave the legend, and the refund.eu colour the canvas.
    await colourBy.getByRole('button', { name: 'state' }).click();
    expect(await keys.count()).toBe(0);
    await page.waitForTimeout(2000); // dots fly for at most 1.5 s
    expect((await dotPixels(page, [colours[4]]))[0]).toBe(0);
    await colourBy.getByRole('button', { name: 'routing key' }).click();
    expect(await keys.count()).toBe(5);
    // The exchange's numbers: routed and unroutable in the channel table.
    await expect
      .poll(() => page.getByTestId('per-channel').locator('tr[data-row="shop"]').innerText())
      .toMatch(/routed · [1-9][\d,]* unroutable/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('priority-overload: latency by priority, urgent in ms and the rest in seconds', async () => {
    const { page, errors } = await openPage(lab, '#lesson=priority-overload');
    const colourBy = page.getByRole('group', { name: 'Colour dots by' });
    const legend = page.getByRole('list', { name: 'Legend' });
    expect(await legend.locator('li.class').allInnerTexts()).toEqual(['priority 0', 'priority 9']);
    await colourBy.getByRole('button', { name: 'state' }).click();
    expect(await legend.locator('li.class').count()).toBe(0);
    await colourBy.getByRole('button', { name: 'priority' }).click();
    await runToEnd(page);
    const r = cliReport('priority-overload');
    const byPriority = r.latency.byPriority!;
    expect(byPriority['9'].p99).toBeLessThan(100);
    expect(byPriority['0'].p99).toBeGreaterThan(1000);
    for (const p of ['9', '0']) {
      expect(await cell(page, 'by-priority', `priority ${p}`, 'p99')).toBe(
        fmtMs(byPriority[p].p99),
      );
      expect(await cell(page, 'by-priority', `priority ${p}`, 'p50')).toBe(
        fmtMs(byPriority[p].p50),
      );
    }
    await shot(page, 'by-priority-1440');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('every Try button of every lesson', () => {
  const lessons = lessonsWithTries();

  it('finds the lessons that have them', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(15);
  });

  for (const l of lessons) {
    it(`${l.slug}: ${l.tries.map((t) => t.label).join(' · ')}`, async () => {
      const { page, errors } = await openPage(lab, `#lesson=${l.slug}`);
      const card = page.getByTestId('lesson-card');
      const status = page.locator('.toast[role=status]');
      for (const t of l.tries) {
        if ('fault' in t) {
          // A fault is injected mid-run, where the student presses it.
          await page.getByRole('button', { name: 'Play', exact: true }).click();
          await expect
            .poll(() => page.locator('[data-testid="clock"]').innerText(), { timeout: 10_000 })
            .not.toMatch(/00:0[01]\./);
          const before = await counter(page, 'processed');
          await card.getByRole('button', { name: t.label, exact: true }).click();
          const fault = t.fault as Record<string, unknown>;
          await expect.poll(() => status.innerText()).toMatch(/^Recorded: /);
          // Read out as soon as the run has it (a 1 s partition is over 1 s later).
          const down = downText(fault);
          const summary = page.getByTestId('topology').locator('p.sr-only');
          if (down) await expect.poll(() => summary.innerText(), { interval: 50 }).toContain(down);
          const kind = Object.keys(fault)[0];
          expect(await scenarioText(page)).toMatch(new RegExp(`${kind}:`));
          // Playing goes on with the fault: the counters move.
          if ((await page.getByRole('button', { name: 'Play', exact: true }).count()) > 0)
            await page.getByRole('button', { name: 'Play', exact: true }).click();
          await expect
            .poll(() => counter(page, 'processed'), { timeout: 20_000 })
            .toBeGreaterThan(before);
          await page.getByRole('button', { name: 'Pause', exact: true }).click();
        } else {
          const expected = applySet(parseRaw(await scenarioText(page)), t.set);
          if (!expected.ok) throw new Error(JSON.stringify(expected.errors));
          await card.getByRole('button', { name: t.label, exact: true }).click();
          await expect.poll(() => status.innerText()).toMatch(/applied; the run starts again/);
          expect(parseRaw(await scenarioText(page))).toEqual(expected.value);
          await expect
            .poll(() => page.locator('[data-testid="clock"]').innerText())
            .toContain('00:00.000');
          await page.getByRole('button', { name: 'Play', exact: true }).click();
          await expect
            .poll(() => counter(page, 'processed'), { timeout: 20_000 })
            .toBeGreaterThan(0);
          await page.getByRole('button', { name: 'Pause', exact: true }).click();
        }
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

/** A plain run (no lab) of the scenario to simulated time `us`. */
function runTo(text: string, seed: number, us: number): Simulation {
  const v = validateScenario(parseRaw(text));
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const sim = new Simulation(v.scenario, { seed });
  sim.advance(us);
  return sim;
}

/** The trace hash so far of a plain run to `us`. */
function hashSoFar(text: string, seed: number, us: number): string {
  return runTo(text, seed, us).traceHash;
}

/** Waits for the header's hash to be of the events up to `us`; returns it. */
async function hashAt(page: Page, us: number): Promise<string> {
  const hash = page.locator(`[data-testid="trace-hash"][data-at-us="${us}"]`);
  await hash.waitFor({ timeout: 20_000 });
  return hash.locator('code').innerText();
}

async function shownUs(page: Page): Promise<number> {
  return Number(await page.getByTestId('trace-hash').getAttribute('data-at-us'));
}

/** The simulated time the clock shows, µs (to the millisecond). */
async function clockUs(page: Page): Promise<number> {
  const text = await page.getByTestId('clock').innerText(); // t = 01:02.345
  const [, m, sec] = /(\d+):(\d+\.\d+)/.exec(text)!;
  return Math.round((Number(m) * 60 + Number(sec)) * 1e6);
}

describe('compare: the anomalies of either run', () => {
  it('lists run B’s anomalies on request and inspects B’s message', async () => {
    const { page, errors } = await openPage(lab, '#lesson=crash-duplicates');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('compare-table').waitFor();
    const b = page.getByRole('region', { name: 'Scenario B', exact: true });
    await b.getByRole('combobox', { name: 'ack mode' }).selectOption('auto');
    await expect.poll(() => scenarioText(page, 'Scenario B')).toMatch(/ack: auto/);
    await runToEnd(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    const totals = (panel: string) =>
      scenarioText(page, panel).then((t) => {
        const v = validateScenario(parseRaw(t));
        if (!v.ok) throw new Error(JSON.stringify(v.errors));
        return new Simulation(v.scenario, { seed }).run().totals;
      });
    const [ta, tb] = [await totals('Scenario A'), await totals('Scenario B')];
    expect(ta.lost).toBe(0);
    expect(tb.lost).toBeGreaterThan(0);
    const list = page.getByRole('region', { name: 'Anomalies' });
    const run = list.getByRole('group', { name: 'Anomalies of run' });
    const lostKind = list.getByRole('button', { name: /^lost \d/ });
    await list.getByRole('button', { name: /^duplicate \d/ }).waitFor();
    expect(await lostKind.count()).toBe(0);
    await run.getByRole('button', { name: 'B', exact: true }).click();
    await expect.poll(() => lostKind.innerText()).toContain(fmtCount(tb.lost));
    await lostKind.click();
    const row = list.getByRole('listitem').first().getByRole('button');
    const id = (await row.locator('.id').innerText()).trim();
    await row.click();
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message id' }).inputValue())
      .toBe(id);
    await expect
      .poll(() => page.locator('[data-testid="lifecycle"] li').last().innerText())
      .toContain('lost');
    await shot(page, 'compare-anomalies-b');
    await run.getByRole('button', { name: 'A', exact: true }).click();
    await expect.poll(() => lostKind.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('slow motion on anomalies', () => {
  it('stops the clock on the first anomaly and plays it at a tenth of the speed; off, it does not', async () => {
    const { page, errors } = await openPage(lab, '#lesson=crash-duplicates');
    const text = await scenarioText(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    // The first redelivery, duplicate, loss, dead letter or drop, as a plain run tells it.
    const v = validateScenario(parseRaw(text));
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const slowFor: number[] = [
      Ev.reprocessed,
      Ev.lost,
      Ev.deadLettered,
      Ev.expired,
      Ev.dropped,
      Ev.unroutable,
    ];
    let firstUs = Infinity;
    new Simulation(v.scenario, {
      seed,
      observers: [
        {
          kinds: ALL_EVENTS,
          onEvent: (ev) => {
            const anomaly = slowFor.includes(ev.kind) || (ev.kind === Ev.delivered && ev.aux > 1);
            if (anomaly && ev.timeUs < firstUs) firstUs = ev.timeUs;
          },
        },
      ],
    }).run();
    expect(firstUs).toBeLessThan(10e6);
    const toggle = page.getByRole('button', { name: 'Slow motion on anomalies' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('slider', { name: 'Speed' }).fill('1'); // 10×
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const note = page.getByTestId('slow-motion');
    await note.waitFor({ timeout: 20_000 });
    // On the anomaly, and slowly on from it: 1× for 1.5 s of wall time, not 10×.
    const at = await clockUs(page);
    expect(at).toBeGreaterThanOrEqual(Math.floor(firstUs / 1000) * 1000);
    expect(at).toBeLessThan(firstUs + 600_000);
    expect(await note.innerText()).toMatch(/^slow motion: an? (redelivery|duplicate|loss)/);
    await shot(page, 'slow-motion');
    await page.waitForTimeout(700);
    const later = await clockUs(page);
    expect(await note.isVisible()).toBe(true);
    expect(later - at).toBeLessThan(1_500_000); // 10× would be 7 s
    // Then the speed comes back.
    await note.waitFor({ state: 'detached', timeout: 5_000 });
    // Off: from the start again, the clock runs through the anomaly at 10×.
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => clockUs(page), { timeout: 20_000 }).toBeGreaterThan(firstUs + 3e6);
    expect(await note.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** The lost events of a plain run at its first loss's instant, by where the lab shows them. */
function firstLossBurst(text: string, seed: number): { timeUs: number; count: number } {
  const v = validateScenario(parseRaw(text));
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  let timeUs = -1;
  let count = 0;
  new Simulation(v.scenario, {
    seed,
    observers: [
      {
        kinds: eventMask(Ev.lost),
        onEvent: (ev) => {
          if (timeUs < 0) timeUs = ev.timeUs;
          if (ev.timeUs === timeUs) count++;
        },
      },
    ],
  }).run();
  return { timeUs, count };
}

describe('losses burst out of what held them', () => {
  it('a transient broker crash: the whole backlog bursts out of its queue, counted', async () => {
    const { page, errors } = await openPage(lab, '#lesson=broker-crash-transient');
    const text = await scenarioText(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    const burst = firstLossBurst(text, seed);
    expect(burst.count).toBeGreaterThan(1000);
    await page.getByRole('slider', { name: 'Speed' }).fill('1'); // 10×
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    // Slow motion stops the clock on the loss; the badge says how many, and where.
    await page.getByTestId('slow-motion').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const said = page.getByTestId('topology-summary');
    await expect
      .poll(() => said.innerText(), { timeout: 5_000 })
      .toContain(`${burst.count.toLocaleString('en-US')} lost at orders`);
    await shot(page, 'loss-burst-broker');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('auto ack: what a crashed worker held bursts out of that worker', async () => {
    const { page, errors } = await openPage(lab, '#lesson=at-most-once-loss');
    const text = await scenarioText(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    const burst = firstLossBurst(text, seed);
    expect(burst.count).toBeGreaterThan(0);
    await page.getByRole('slider', { name: 'Speed' }).fill('1');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('topology-summary').innerText(), { timeout: 30_000 })
      .toMatch(new RegExp(`${burst.count.toLocaleString('en-US')} lost at workers#\\d`));
    await shot(page, 'loss-burst-worker');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('time is a slider', () => {
  it('rewind to 5 s after playing to 20 s gives the same hash so far as playing to 5 s', async () => {
    const { page, errors } = await openPage(lab, '#lesson=crash-duplicates');
    const text = await scenarioText(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    await page.getByRole('slider', { name: 'Speed' }).fill('1'); // 10×: 20 s in 2 s
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => shownUs(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(20e6);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const slider = page.getByRole('slider', { name: 'Simulated time' });
    await slider.fill('5000');
    expect(await hashAt(page, 5_000_000)).toBe(hashSoFar(text, seed, 5_000_000));
    expect(await page.getByTestId('clock').innerText()).toContain('00:05.000');
    // The counters and the event log are the run's at 5 s, not at 20 s.
    const at5 = runTo(text, seed, 5_000_000).collector.totals;
    expect(await counter(page, 'redelivered')).toBe(at5.redelivered);
    expect(at5.redelivered).toBeLessThan(
      runTo(text, seed, 20_000_000).collector.totals.redelivered,
    );
    const latest = () => page.locator('.recent li .t').first().innerText();
    await expect.poll(async () => parseFloat(await latest())).toBeLessThanOrEqual(5000);
    // Forwards again (no replay), then one event instant back with the button and the ← key.
    await slider.fill('20000');
    expect(await hashAt(page, 20_000_000)).toBe(hashSoFar(text, seed, 20_000_000));
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await expect.poll(() => shownUs(page)).toBeLessThan(20_000_000);
    const back = await shownUs(page);
    expect(await hashAt(page, back)).toBe(hashSoFar(text, seed, back));
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => shownUs(page)).toBeLessThan(back);
    const further = await shownUs(page);
    expect(await hashAt(page, further)).toBe(hashSoFar(text, seed, further));
    await shot(page, 'rewound-1440');
    // Played on from there, the run ends exactly as the CLI's.
    expect(await runToEnd(page)).toBe(cliTraceHash(text, seed));
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a message’s swimlane', () => {
  it('draws an order of the event-driven chain with what it led to, and opens a child', async () => {
    const { page, errors } = await openPage(lab, '#lesson=event-driven-chain');
    const id = page.getByRole('textbox', { name: 'Message id' });
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => shownUs(page), { timeout: 20_000 }).toBeGreaterThan(1_500_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await id.fill('shop:20');
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await page.getByRole('button', { name: 'Swimlane', exact: true }).click();
    const lane = page.getByTestId('swimlane');
    await expect.poll(() => lane.getByRole('heading').innerText()).toBe('Swimlane · shop:20');
    const lanes = await lane.getByTestId('swim-lane').allTextContents();
    expect(lanes.slice(0, 2)).toEqual(['shop', 'orders']);
    // The order event and the shipment it led to, each a link, with the lanes they passed.
    const child = lane.getByRole('button', { name: /^order-service:\d+$/ });
    await child.waitFor();
    await lane.getByRole('button', { name: /^shipping-service:\d+$/ }).waitFor();
    for (const l of ['order-events/inventory', 'order-events/shipping', 'notifications'])
      expect(lanes).toContain(l);
    await shot(page, 'swimlane-chain');
    const childId = await child.innerText();
    await child.click();
    await expect.poll(() => id.inputValue()).toBe(childId);
    await expect.poll(() => lane.getByRole('heading').innerText()).toBe(`Swimlane · ${childId}`);
    // Opened on its own, a child names the order whose processing published it.
    const parent = lane.getByRole('button', { name: 'shop:20', exact: true });
    await parent.waitFor();
    await parent.click(); // and back to the order
    await expect.poll(() => lane.getByRole('heading').innerText()).toBe('Swimlane · shop:20');
    await expect.poll(() => id.inputValue()).toBe('shop:20');
    await page.keyboard.press('Escape');
    await lane.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('anomalies are events you can find', () => {
  it('the anomaly list finds the duplicate of the crash-duplicates lesson and seeks to it', async () => {
    const { page, errors } = await openPage(lab, '#lesson=crash-duplicates');
    const text = await scenarioText(page);
    const seed = Number(await page.getByRole('textbox', { name: 'Seed' }).inputValue());
    // The first duplicate side effect, as a plain run (no lab) tells it.
    const v = validateScenario(parseRaw(text));
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    let first: { id: string; timeUs: number } | null = null;
    const sim = new Simulation(v.scenario, {
      seed,
      observers: [
        {
          kinds: ALL_EVENTS,
          onEvent: (ev) => {
            if (!first && ev.kind === Ev.reprocessed && ev.primary)
              first = { id: `${sim.names.senders[ev.sender]}:${ev.seq}`, timeUs: ev.timeUs };
          },
        },
      ],
    });
    const report = sim.run();
    const dup = first as { id: string; timeUs: number } | null;
    if (!dup) throw new Error('the lesson has no duplicate');

    await runToEnd(page);
    const list = page.getByRole('region', { name: 'Anomalies' });
    const kind = list.getByRole('button', { name: /^duplicate \d/ });
    await expect.poll(() => kind.innerText()).toContain(String(report.totals.duplicatesProcessed));
    await kind.click(); // only duplicates
    const rows = list.getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(report.totals.duplicatesProcessed);
    await page.getByTestId('anomaly-marks').waitFor();
    const row = rows.first().getByRole('button');
    expect(await row.innerText()).toContain(dup.id);
    await row.click();

    // There: at the duplicate's instant, paused, with the run's state then.
    expect(await hashAt(page, dup.timeUs)).toBe(hashSoFar(text, seed, dup.timeUs));
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await expect.poll(() => row.getAttribute('aria-current')).toBe('true');
    // The inspector follows the message; its life ends (so far) in the duplicate, marked.
    await expect
      .poll(() => page.getByRole('textbox', { name: 'Message id' }).inputValue())
      .toBe(dup.id);
    const marked = page.locator('[data-testid="lifecycle"] li.marked');
    await expect.poll(() => marked.innerText()).toContain('a duplicate side effect');
    expect(await page.locator('[data-testid="lifecycle"] li').last().innerText()).toContain(
      'a duplicate side effect',
    );
    // Its swimlane: delivered, redelivered after the crash, processed twice, the duplicate marked.
    await page.getByRole('button', { name: 'Swimlane', exact: true }).click();
    const lane = page.getByTestId('swimlane');
    await expect.poll(() => lane.locator('.row.marked').textContent()).toContain('a duplicate');
    const lanes = await lane.getByTestId('swim-lane').allTextContents();
    expect(lanes.slice(0, 2)).toEqual(['web', 'orders']);
    expect(lanes.filter((l) => /^workers#\d$/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(await lane.getByTestId('swim-row').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/redelivered \(delivery 2\)/)]),
    );
    await shot(page, 'swimlane-duplicate');
    await page.getByRole('button', { name: 'Close swimlane' }).click();
    await lane.waitFor({ state: 'detached' });
    await shot(page, 'anomaly-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await list.waitFor();
    await shot(page, 'anomaly-1280');
    expect(errors).toEqual([]);
    await page.close();
  });
});
