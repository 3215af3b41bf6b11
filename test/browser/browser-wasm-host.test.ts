/**
 * BrowserWasmHost in real chromium: WASI jobs run in their own workers, and a guest that
 * never returns is stopped at its deadline (or on cancel) by terminating its worker.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/run-cli.js';
import { bundleForBrowser } from './helpers/bundle.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startStaticServer, type StaticServer } from './helpers/static-server.js';
import { ensureWebBuilt } from './helpers/web-page.js';

let browser: TestBrowser;
let server: StaticServer;
let results: Record<string, unknown>;

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startStaticServer({ mounts: [['/assets/', join(repoRoot, 'dist-web')]] });
  server.set('/host.js', await bundleForBrowser('test/browser/fixtures/wasm-host.entry.ts'));
  server.set('/', '<!doctype html><title>wasm host</title><script type="module" src="/host.js"></script>');
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__wasmHostResults !== undefined, undefined, { timeout: 20_000 });
  results = (await page.evaluate(() => window.__wasmHostResults)) as Record<string, unknown>;
  if (results.crashed) throw new Error(String(results.crashed));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('BrowserWasmHost in chromium', () => {
  it('runs a WASI job in its own worker', () => {
    expect(results.isolated).toBe(true);
    expect(results.first).toBe('ping from the page');
  });

  it('stops a guest stuck in a loop at its deadline, and stays usable', () => {
    expect(results.stuck).toMatchObject({ ok: false, code: 'TOOL_TIMEOUT' });
    expect(results.stuckMs).toBeGreaterThanOrEqual(290);
    expect(results.stuckMs).toBeLessThan(3000);
    expect(results.cancelled).toMatchObject({ ok: false, code: 'CANCELLED' });
    expect(results.after).toBe('still alive');
  });

  it('refuses directory grants, which a browser cannot honour', () => {
    expect(results.dirs).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('logs no page errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
