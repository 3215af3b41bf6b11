/**
 * The WASI conformance corpus in real chromium: the same built C and Rust modules the Node
 * test runs, over the in-memory adapter on the page and (those without a directory) in
 * BrowserWasmHost's workers, each with its expected stdout and exit code from corpus.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/run-cli.js';
import { bundleForBrowser } from './helpers/bundle.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startStaticServer, type StaticServer } from './helpers/static-server.js';
import { ensureWebBuilt } from './helpers/web-page.js';

const corpusDir = join(repoRoot, 'test/wasi-corpus');
const { programs } = JSON.parse(readFileSync(join(corpusDir, 'corpus.json'), 'utf8')) as {
  programs: Array<{ program: string; stdout: string; exitCode: number }>;
};
/** As in test/wasi-corpus.test.ts: the in-memory adapter passes every program. */
const KNOWN_FAILURES = new Set<string>();

let browser: TestBrowser;
let server: StaticServer;
let results: NonNullable<Window['__wasiCorpusResults']>;

beforeAll(async () => {
  await ensureWebBuilt();
  server = await startStaticServer({
    mounts: [
      ['/assets/', join(repoRoot, 'dist-web')],
      ['/corpus/', corpusDir],
    ],
  });
  server.set('/corpus.js', await bundleForBrowser('test/browser/fixtures/wasi-corpus.entry.ts'));
  server.set('/', '<!doctype html><title>wasi corpus</title><script type="module" src="/corpus.js"></script>');
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.__wasiCorpusResults !== undefined, undefined, { timeout: 60_000 });
  results = (await page.evaluate(() => window.__wasiCorpusResults)) as typeof results;
  if (results.crashed) throw new Error(results.crashed);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('WASI corpus in chromium', () => {
  for (const program of programs) {
    const expected = { stdout: program.stdout, exitCode: program.exitCode };
    if (KNOWN_FAILURES.has(program.program)) {
      it(`${program.program} still fails as by design`, () => expect(results.memory[program.program]).not.toEqual(expected));
    } else {
      it(`${program.program} over the in-memory adapter`, () => expect(results.memory[program.program]).toEqual(expected));
    }
  }

  it('runs the programs without a directory in BrowserWasmHost workers too', () => {
    for (const name of ['c/poll-stdio', 'rust/stdio']) {
      const program = programs.find((p) => p.program === name);
      expect(results.worker[name], name).toEqual({ stdout: program?.stdout, exitCode: program?.exitCode });
    }
  });

  it('logs no page errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
