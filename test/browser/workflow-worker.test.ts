/**
 * agentbox/workflow in real chromium: the WorkflowJournal contract against IndexedDB, and a
 * workflow (jq in WebAssembly, a `for` with two in flight, a QuickJS script, a durable
 * `wait`) run in a Web Worker — one worker finishing it, and one terminated mid-wait (the
 * browser's kill -9) whose run a fresh worker resumes from the journal.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { bundleForBrowser } from './helpers/bundle.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startStaticServer, type StaticServer } from './helpers/static-server.js';

const require = createRequire(import.meta.url);
let browser: TestBrowser;
let server: StaticServer;
let page: Page;

const definition = {
  document: { dsl: '1.0.0', namespace: 'browser', name: 'durable', version: '1.0.0' },
  do: [
    { prep: { set: { items: '${ [.a, .b, .c] }' } } },
    { each: { for: { in: '${ .items }', each: 'x' }, metadata: { agentbox: { concurrency: 2 } }, do: [{ double: { set: { v: '${ $x * 2 }' } } }] } },
    {
      bump: {
        run: { script: { language: 'js', code: 'console.log(JSON.stringify(values.map((v) => v + 1)))', arguments: { values: '${ [ .[].v ] }' } } },
        output: { as: '${ fromjson }' },
      },
    },
    { pause: { wait: { milliseconds: 600 } } },
    { finish: { set: { result: '${ . }', engine: '${ $runtime.name }' } } },
  ],
};
const expected = { result: [3, 5, 7], engine: 'agentbox' };

const html = `<!doctype html><title>workflows</title>
<script type="module">
  // Posts one command to a fresh worker; resolves with the messages it sent back, up to its
  // result — or, with stopAt, terminates it as soon as a matching event arrives.
  window.inWorker = (command, stopAt) => new Promise((resolve) => {
    const worker = new Worker('/workflow-worker.js', { type: 'module' });
    const messages = [];
    worker.onmessage = ({ data }) => {
      messages.push(data);
      const stop = stopAt && data.type === 'event' && data.event.type === stopAt.type && data.event.path === stopAt.path;
      const end = () => {
        worker.terminate();
        resolve(messages);
      };
      // With a delay, the worker is killed a little after the event: its flush is on disk.
      if (stop) setTimeout(end, stopAt.delayMs ?? 0);
      else if (data.type === 'result' || data.type === 'error' || data.type === 'events') end();
    };
    worker.onerror = (e) => resolve([...messages, { type: 'error', message: e.message }]);
    worker.postMessage(command);
  });
  window.ready = true;
</script>`;

type Message = {
  type: string;
  result?: { status: string; output?: unknown };
  code?: string;
  message?: string;
  events?: Array<{ type: string; path?: string }>;
};

const inWorker = (command: Record<string, unknown>, stopAt?: { type: string; path: string; delayMs?: number }) =>
  page.evaluate(([c, s]) => (window as unknown as { inWorker: (c: unknown, s: unknown) => Promise<Message[]> }).inWorker(c, s), [command, stopAt] as const);

beforeAll(async () => {
  server = await startStaticServer();
  server.set('/contract.js', await bundleForBrowser('test/browser/fixtures/workflow-journal-contract.entry.ts'));
  server.set('/contract.html', '<!doctype html><title>contract</title><script type="module" src="/contract.js"></script>');
  server.set('/workflow-worker.js', await bundleForBrowser('test/browser/fixtures/workflow-worker.entry.ts'));
  // Beside the bundle, where jq-wasm and quickjs-emscripten look for their modules.
  server.set('/build/jq.wasm', readFileSync(require.resolve('jq-wasm/jq.wasm')));
  server.set('/emscripten-module.wasm', readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
  server.set('/', html);
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('agentbox/workflow in chromium', () => {
  it('IndexedDbWorkflowJournal passes the WorkflowJournal contract; a journal that breaks the lease fails it', async () => {
    const contract = await browser.newPage();
    await contract.goto(`${server.url}/contract.html`);
    await contract.waitForFunction(() => window.__contractResults !== undefined, undefined, { timeout: 20_000 });
    const results = (await contract.evaluate(() => window.__contractResults)) as
      | { indexedDb: Array<{ name: string; ok: boolean }>; broken: Array<{ name: string; ok: boolean }> }
      | { crashed: string };
    if ('crashed' in results) throw new Error(`the page crashed: ${results.crashed}`);
    expect(results.indexedDb.filter((r) => !r.ok)).toEqual([]);
    expect(results.indexedDb.length).toBeGreaterThanOrEqual(6);
    expect(results.broken.filter((r) => !r.ok).map((r) => r.name)).toEqual([
      'PromiscuousJournal > grants the lease to one holder at a time until it lapses or is released',
    ]);
  });

  it('runs a workflow in a Web Worker: jq, a concurrent for, a QuickJS script and a wait', async () => {
    const messages = await inWorker({ cmd: 'start', db: 'run-once', holder: 'w1', runId: 'once', definition, input: { a: 1, b: 2, c: 3 } });
    const last = messages.at(-1);
    expect(last).toMatchObject({ type: 'result', result: { status: 'completed', output: expected } });
  });

  it('resumes in a new worker a run whose worker was terminated mid-wait, without redoing finished tasks', async () => {
    const first = await inWorker(
      { cmd: 'start', db: 'killed', holder: 'w1', runId: 'killed', definition, input: { a: 1, b: 2, c: 3 } },
      { type: 'task.started', path: '/do/3/pause', delayMs: 200 },
    );
    expect(first.some((m) => m.type === 'result')).toBe(false);
    // The terminated worker's lease lapses (1.5 s); until then a resume is refused as busy.
    let resumed: Message | undefined;
    for (let attempt = 0; attempt < 40 && resumed?.type !== 'result'; attempt += 1) {
      resumed = (await inWorker({ cmd: 'resume', db: 'killed', holder: 'w2', runId: 'killed' })).at(-1);
      if (resumed?.type === 'error') {
        expect(resumed.code).toBe('WORKFLOW_RUN_BUSY');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(resumed).toMatchObject({ type: 'result', result: { status: 'completed', output: expected } });
    const journal = (await inWorker({ cmd: 'events', db: 'killed', holder: 'reader', runId: 'killed' })).at(-1);
    const starts = (journal?.events ?? []).filter((e) => e.type === 'task.started').map((e) => e.path);
    // Every task before the wait ran once; the wait started twice (durable, in flight at the kill).
    expect(starts.filter((p) => p === '/do/0/prep')).toHaveLength(1);
    expect(starts.filter((p) => p === '/do/2/bump')).toHaveLength(1);
    expect(starts.filter((p) => p === '/do/1/each/do/0/double')).toHaveLength(3);
    expect(starts.filter((p) => p === '/do/3/pause')).toHaveLength(2);
    expect(starts.filter((p) => p === '/do/4/finish')).toHaveLength(1);
  });
});
