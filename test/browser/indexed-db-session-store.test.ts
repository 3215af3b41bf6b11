/**
 * The shared SessionStore contract suite, run inside real chromium against
 * IndexedDbSessionStore (IndexedDB exists only in the browser).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser } from './helpers/bundle.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startStaticServer, type StaticServer } from './helpers/static-server.js';

interface Outcome {
  name: string;
  ok: boolean;
  error?: string;
}
type Results = { indexedDb: Outcome[]; broken: Outcome[] } | { crashed: string };

let browser: TestBrowser;
let server: StaticServer;
let results: Results;

beforeAll(async () => {
  server = await startStaticServer();
  server.set('/contract.js', await bundleForBrowser('test/browser/fixtures/store-contract.entry.ts'));
  server.set('/', '<!doctype html><title>contract</title><script type="module" src="/contract.js"></script>');
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__contractResults !== undefined, undefined, { timeout: 20_000 });
  results = (await page.evaluate(() => window.__contractResults)) as Results;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('IndexedDbSessionStore in chromium', () => {
  it('passes every test of the shared SessionStore contract', () => {
    if ('crashed' in results) throw new Error(`the page crashed: ${results.crashed}`);
    const failures = results.indexedDb.filter((r) => !r.ok);
    expect(failures).toEqual([]);
    // The suite has 13 tests today; at least that many must have run.
    expect(results.indexedDb.length).toBeGreaterThanOrEqual(13);
    expect(results.indexedDb.map((r) => r.name)).toContain(
      'IndexedDbSessionStore (SessionStore contract) > lets exactly one of two racing appends at the same seq win',
    );
  });

  it('reports failures: a store that swallows seq conflicts fails the contract in the same page', () => {
    if ('crashed' in results) throw new Error(`the page crashed: ${results.crashed}`);
    const failed = results.broken.filter((r) => !r.ok).map((r) => r.name);
    expect(failed).toContain('ForgetfulStore (SessionStore contract) > rejects a seq gap or duplicate with STORE_CONFLICT and writes nothing');
  });

  it('logs no page errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
