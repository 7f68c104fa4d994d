// Browser plumbing for the e2e tests and the lab benchmark: build the lab, serve the build with
// `vite preview`, and drive Debian's Chromium through playwright-core. Pages record every
// console error and warning so tests can fail on them.

import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts/screenshots';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Lab {
  url: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Builds the app once per process and serves it; launches a fresh browser profile. */
export async function startLab(): Promise<Lab> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  await build({ logLevel: 'error', build: { outDir: 'dist' } });
  const server: PreviewServer = await preview({
    logLevel: 'error',
    preview: { port: 0, host: '127.0.0.1' },
  });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 4173;
  const profile = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: FLAGS,
    headless: true,
    viewport: { width: 1440, height: 900 },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url: `http://127.0.0.1:${port}/`,
    context,
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page that records console errors and uncaught exceptions. */
export async function openPage(lab: Lab, path = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await lab.context.newPage();
  // tsx compiles page.evaluate callbacks with esbuild's keepNames, which calls a __name helper
  // that only exists in Node: give the page a no-op one.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}\n${e.stack ?? ''}`));
  await page.goto(lab.url + path);
  await page.waitForSelector('[data-ready="true"]');
  return { page, errors };
}

/**
 * Text the page shows cut short, as "where: text": an element that clips or ellipsises its own
 * overflow, a box that needs a sideways scroll to show all of its content, and the names the
 * topology's layout had to shorten (it wraps them first). Measured with the browser's fonts.
 */
export async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const where = (el: Element): string => {
      const id = el.closest('[data-testid]')?.getAttribute('data-testid');
      const label = el.closest('[aria-label]')?.getAttribute('aria-label');
      return id ?? label ?? el.tagName.toLowerCase();
    };
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      // Not rendered, or visually hidden for screen readers (a 1 px clipped box).
      if (el.getClientRects().length === 0 || el.clientWidth <= 1) continue;
      const cs = getComputedStyle(el);
      const text = (el.innerText ?? '').trim();
      if (text === '' || el.scrollWidth <= el.clientWidth + 1) continue;
      const clips = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
      const scrolls = cs.overflowX === 'auto' || cs.overflowX === 'scroll';
      if (clips || scrolls || cs.textOverflow === 'ellipsis')
        out.push(
          `${where(el)} (+${el.scrollWidth - el.clientWidth}px): ${text.slice(0, 40).replace(/\s+/g, ' ')}`,
        );
    }
    const cut = document.querySelector('[data-testid="topology"]')?.getAttribute('data-clipped');
    if (cut) out.push(`topology names cut: ${cut}`);
    return out;
  });
}
