/**
 * WebWorkerJqBackend in real chromium: workflow expressions run in a Web Worker that is
 * terminated when a program passes the time limit, so a runaway jq program cannot hang the
 * page's (or the runtime worker's) thread, and the run faults with the spec's error.
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
  server.set('/jq.js', await bundleForBrowser('test/browser/fixtures/jq-worker.entry.ts'));
  server.set('/', '<!doctype html><title>jq worker</title><script type="module" src="/jq.js"></script>');
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__jqWorkerResults !== undefined, undefined, { timeout: 30_000 });
  results = (await page.evaluate(() => window.__jqWorkerResults)) as Record<string, unknown>;
  if (results.crashed) throw new Error(String(results.crashed));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('WebWorkerJqBackend in chromium', () => {
  it('evaluates in its worker and says it enforces the time limit', () => {
    expect(results.enforces).toBe(true);
    expect(results.first).toEqual([2, 4, 6]);
  });

  it('stops a runaway program at the limit, then answers the next on a fresh worker', () => {
    expect(results.runaway).toMatchObject({ ok: false, kind: 'limit' });
    expect(results.runawayMs).toBeGreaterThanOrEqual(390);
    expect(results.runawayMs).toBeLessThan(5000);
    expect(results.after).toBe(42);
    // The first worker, then the one after the runaway (the workflow's runaway kills it in turn).
    expect(results.starts).toBe(2);
  });

  it('a workflow whose expression runs away faults at that task with the expression error', () => {
    expect(results.run).toMatchObject({
      status: 'faulted',
      error: { status: 400, instance: '/do/1/spin' },
      tasks: [
        { path: '/do/0/ok', status: 'completed' },
        { path: '/do/1/spin', status: 'faulted' },
      ],
    });
  });

  it('logs no page errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
