/**
 * Shared steps of the web page tests: build dist-web once per file, serve the page the way
 * `agentbox serve` does (`/` = web/index.html, `/assets/*` from dist-web then web/assets),
 * and drive the chat the way a user would.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../helpers/run-cli.js';
import { startStaticServer, type StaticServer } from './static-server.js';

export const artifactsDir = join(repoRoot, 'test-artifacts');

/**
 * The suite's global setup builds dist-web once; a file run on its own builds it if missing.
 * Never rebuilt per file: files run in parallel and the build replaces the folder.
 */
export async function ensureWebBuilt(): Promise<void> {
  const built = ['app.js', 'agentbox-worker.js', 'agentbox-jq-worker.js'].every((file) => existsSync(join(repoRoot, 'dist-web', file)));
  if (built) return;
  await promisify(execFile)(process.execPath, [join(repoRoot, 'scripts/build-web.mjs'), '--quiet'], { cwd: repoRoot });
}

export async function servePage(): Promise<StaticServer> {
  const server = await startStaticServer({
    mounts: [
      ['/assets/', join(repoRoot, 'dist-web')],
      ['/assets/', join(repoRoot, 'web/assets')],
    ],
  });
  const { readFile } = await import('node:fs/promises');
  server.set('/', await readFile(join(repoRoot, 'web/index.html'), 'utf8'));
  return server;
}

export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined, undefined, { timeout: 15_000 });
  const ready = await page.evaluate(() => document.documentElement.dataset.ready);
  if (ready !== 'true') throw new Error(`the page failed to start: ${await page.locator('#notice').textContent()}`);
}

/** Types a message and sends it with the keyboard (Enter), as a user would. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}

/** Waits until the composer is usable again: the turn ended. */
export async function waitTurnEnd(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.getElementById('transcript')?.getAttribute('aria-busy') === 'false' && !(document.getElementById('send') as HTMLButtonElement).disabled,
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
