/**
 * One real browser per test file, driven by playwright-core, headless, with a fresh
 * profile in a temp dir. Never downloads a browser: it uses the system's chromium when
 * there is one, else the Chromium that `npm ci` installed inside `@sparticuz/chromium`
 * (unpacked to the temp dir on first use). `AGENTBOX_TEST_CHROMIUM=bundled` forces the
 * npm one, a path forces that binary.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

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

export interface TestBrowser {
  context: BrowserContext;
  /** A new page whose console errors and page errors are collected in `errors`. */
  newPage(): Promise<Page>;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Which Chromium the tests drive. */
export async function chromiumPath(): Promise<string> {
  const wanted = process.env.AGENTBOX_TEST_CHROMIUM;
  if (wanted && wanted !== 'bundled') return wanted;
  if (wanted !== 'bundled' && existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  const { default: bundled } = await import('@sparticuz/chromium');
  return bundled.executablePath();
}

export async function launchBrowser(): Promise<TestBrowser> {
  const executablePath = await chromiumPath();
  const profile = await mkdtemp(join(tmpdir(), 'agentbox-chromium-'));
  // --user-data-dir is what launchPersistentContext passes; playwright forbids it in args.
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: FLAGS });
  const errors: string[] = [];
  return {
    context,
    errors,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
