// Screenshots of every view of the lab at 1440×900 and 1280×720 (`npm run screenshots`), into
// test-artifacts/screenshots/: what a reviewer looks at before calling a UI change done.
// `LESSONS=1 npm run screenshots` takes every lesson instead, each played for 2.5 s, as
// lesson-<slug>-<width>.png. Each shot's line names any text the page cut short.

import { readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { ARTIFACTS, clippedText, openPage, startLab } from './lab-browser';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
];

async function play(page: Page, ms: number): Promise<void> {
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForTimeout(ms);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
}

const VIEWS: Array<{ name: string; path: string; act: (page: Page) => Promise<void> }> = [
  { name: 'first-contact', path: '', act: async () => {} },
  { name: 'playing', path: '#lesson=crash-duplicates', act: (p) => play(p, 4000) },
  {
    name: 'fault-menu',
    path: '#lesson=competing-consumers',
    act: async (p) => {
      await play(p, 1500);
      await p.getByRole('button', { name: 'Faults for workers#2' }).focus();
      await p.keyboard.press('Enter');
    },
  },
  {
    name: 'inspector',
    path: '#lesson=crash-duplicates',
    act: async (p) => {
      await play(p, 2500);
      await p.getByRole('textbox', { name: 'Message id' }).fill('web:100');
      await p.getByRole('button', { name: 'Inspect', exact: true }).click();
      await p.waitForTimeout(300);
    },
  },
  {
    name: 'editor-errors',
    path: '#lesson=poison-dlq',
    act: async (p) => {
      const region = p.getByRole('region', { name: 'Scenario', exact: true });
      await region.getByRole('tab', { name: 'YAML' }).click();
      const box = region.getByRole('textbox', { name: 'Scenario text' });
      const text = await box.inputValue();
      await box.fill(text.replace(/prefetch: \d+/, 'prefetch: 0'));
      await p.waitForTimeout(500);
    },
  },
  { name: 'kafka-log', path: '#lesson=kafka-rebalance-replay', act: (p) => play(p, 3000) },
  { name: 'chain', path: '#lesson=event-driven-chain', act: (p) => play(p, 3000) },
  { name: 'theory', path: '#lesson=mmc-theory', act: (p) => play(p, 4000) },
  {
    name: 'compare',
    path: '#lesson=queue-vs-pubsub',
    act: async (p) => {
      await p.getByRole('button', { name: 'Compare' }).click();
      await p
        .getByRole('combobox', { name: 'Lesson for B' })
        .selectOption('client-server-vs-messaging');
      await play(p, 3000);
    },
  },
  {
    name: 'dark',
    path: '#lesson=poison-dlq',
    act: async (p) => {
      await p.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
      await play(p, 3000);
    },
  },
  {
    name: 'help',
    path: '',
    act: async (p) => {
      await p.keyboard.press('?');
    },
  },
  {
    name: 'cluster-node-down',
    path: '#lesson=quorum-vs-classic',
    act: async (p) => {
      await p.getByRole('button', { name: 'Play' }).click();
      await p.waitForTimeout(1500);
      await p.getByRole('button', { name: 'Crash broker#1 (the quorum leader) now' }).click();
      await p.waitForTimeout(400);
      await p.getByRole('button', { name: 'Pause' }).click();
    },
  },
  {
    name: 'cluster-log-failover',
    path: '#lesson=acks-leader-crash',
    act: async (p) => {
      await p.getByRole('button', { name: 'Play' }).click();
      await p.waitForTimeout(1500);
      await p.getByRole('button', { name: 'Crash broker#1 now' }).click();
      await p.waitForTimeout(400);
      await p.getByRole('button', { name: 'Pause' }).click();
    },
  },
  { name: 'cluster-bottleneck', path: '#lesson=broker-bottleneck', act: (p) => play(p, 3000) },
  { name: 'tandem-theory', path: '#lesson=tandem-theory', act: (p) => play(p, 3000) },
  { name: 'in-flight-reordering', path: '#lesson=in-flight-reordering', act: (p) => play(p, 3000) },
];

const LESSON_VIEWS = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .map((slug) => ({
    name: `lesson-${slug}`,
    path: `#lesson=${slug}`,
    act: (p: Page) => play(p, 2500),
  }));

const views = (process.env.LESSONS ? LESSON_VIEWS : VIEWS).filter(
  (x) => !process.env.VIEWS || process.env.VIEWS.split(',').includes(x.name),
);
const lab = await startLab();
try {
  for (const size of SIZES) {
    for (const v of views) {
      const { page, errors } = await openPage(lab, v.path);
      await page.setViewportSize(size);
      await v.act(page);
      const file = `${ARTIFACTS}/${v.name}-${size.width}.png`;
      await page.screenshot({ path: file });
      const cut = await clippedText(page);
      console.log(
        `${file}${cut.length ? `  cut: ${cut.join(' | ')}` : ''}${errors.length ? `  console: ${errors.join(' | ')}` : ''}`,
      );
      await page.close();
    }
  }
} finally {
  await lab.close();
}
