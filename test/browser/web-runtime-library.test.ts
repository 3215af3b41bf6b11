/**
 * The published browser bundles used as a library, in real chromium: a page imports
 * `agentbox-web.js`, starts `WebRuntime` on `agentbox-worker.js`, and runs turns whose
 * tools are scripts in QuickJS inside the worker, against the loopback LLM server.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { repoRoot } from '../helpers/run-cli.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startStaticServer, type StaticServer } from './helpers/static-server.js';
import { ensureWebBuilt } from './helpers/web-page.js';

let browser: TestBrowser;
let server: StaticServer;
let llm: ScriptedLlmServer;
let page: Page;
/** Every URL the page and its workers asked for, in order. */
const requested: string[] = [];

const html = `<!doctype html><title>library</title>
<script type="module">
  import { WebRuntime, AgentboxError } from '/assets/agentbox-web.js';
  window.agentbox = { WebRuntime, AgentboxError };
  window.startRuntime = (config) => WebRuntime.start({ workerUrl: '/assets/agentbox-worker.js', config });
  window.libraryLoaded = true;
</script>`;

beforeAll(async () => {
  await ensureWebBuilt();
  [server, llm, browser] = await Promise.all([
    startStaticServer({ mounts: [['/assets/', join(repoRoot, 'dist-web')]] }),
    startScriptedLlmServer(),
    launchBrowser(),
  ]);
  server.set('/', html);
  page = await browser.newPage();
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => (window as unknown as { libraryLoaded?: boolean }).libraryLoaded === true);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await llm?.close();
});

const shout = {
  name: 'shout',
  description: 'Upper-cases a text',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  source: 'export default ({ text }) => ({ loud: text.toUpperCase(), engine: typeof process })',
};
const spin = {
  name: 'spin',
  description: 'Never returns',
  parameters: { type: 'object' },
  source: 'export default () => { for (;;) {} }',
  capabilities: { timeoutMs: 300 },
};

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

describe('agentbox-web.js with the worker bundle', () => {
  it('runs script tools in QuickJS inside the worker, with their deadline enforced', async () => {
    llm.enqueue(
      {
        type: 'tool-calls',
        calls: [
          { name: 'shout', arguments: { text: 'hello worker' } },
          { name: 'spin', arguments: {} },
        ],
      },
      { type: 'text', text: 'Done.' },
    );
    const result = await page.evaluate(
      async ({ baseUrl, tools }) => {
        const w = window as unknown as {
          startRuntime: (config: unknown) => Promise<{
            info: unknown;
            process: (r: unknown) => Promise<{ state: string; messages: Array<{ role: string; name?: string; content: string }> }>;
            close: () => Promise<void>;
          }>;
        };
        const runtime = await w.startRuntime({ llm: { baseUrl, model: 'scripted', maxRetries: 0 }, store: { kind: 'memory' }, tools: { scripts: tools } });
        const session = await runtime.process({ input: 'shout and spin' });
        await runtime.close();
        return { info: runtime.info, state: session.state, tools: session.messages.filter((m) => m.role === 'tool') };
      },
      { baseUrl: llm.url, tools: [shout, spin] },
    );
    expect(result.info).toMatchObject({ store: 'memory', scriptTools: true, llm: { baseUrl: llm.url, model: 'scripted' } });
    expect(result.state).toBe('completed');
    const byName = Object.fromEntries(result.tools.map((m) => [m.name, JSON.parse(m.content) as Record<string, unknown>]));
    // The guest sees no `process`: it runs in QuickJS, not in the worker's own JS engine.
    expect(byName.shout).toEqual({ loud: 'HELLO WORKER', engine: 'undefined' });
    expect(byName.spin).toMatchObject({ error: { code: 'TOOL_TIMEOUT' } });
  });

  it('carries error codes from the worker to the page as AgentboxErrors', async () => {
    const outcome = (await page.evaluate(async () => {
      const w = window as unknown as {
        startRuntime: (config: unknown) => Promise<{ process: (r: unknown) => Promise<unknown>; close: () => Promise<void> }>;
        agentbox: { AgentboxError: { isInstance: (e: unknown) => boolean } };
      };
      const runtime = await w.startRuntime({ store: { kind: 'memory' } });
      try {
        await runtime.process({ sessionId: 'no-such-session', input: 'hi' });
        return { ok: true, value: null };
      } catch (error) {
        const e = error as { code: string; message: string };
        return { ok: false, code: e.code, message: e.message, isAgentboxError: w.agentbox.AgentboxError.isInstance(error) };
      } finally {
        await runtime.close();
      }
    })) as Outcome & { isAgentboxError?: boolean };
    expect(outcome).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND', isAgentboxError: true });
  });

  it('fails start clearly when a WASM tool cannot be loaded', async () => {
    const outcome = (await page.evaluate(async () => {
      const w = window as unknown as { startRuntime: (config: unknown) => Promise<{ close: () => Promise<void> }> };
      try {
        const runtime = await w.startRuntime({
          store: { kind: 'memory' },
          tools: { wasm: [{ manifest: { name: 'ghost', description: 'missing', parameters: {} }, url: '/assets/tools/ghost.wasm' }] },
        });
        await runtime.close();
        return { ok: true, value: null };
      } catch (error) {
        const e = error as { code: string; message: string };
        return { ok: false, code: e.code, message: e.message };
      }
    })) as Outcome;
    expect(outcome).toMatchObject({ ok: false, code: 'WASM_LOAD_FAILED' });
    expect(outcome.ok === false && outcome.message).toMatch(/ghost\.wasm answered 404/);
  });

  it('fetches the tokenizer encoding as a chunk beside the worker only when an OpenAI-family model is counted, and counts exactly', async () => {
    const chunk = /^\/assets\/chunks\/o200k_base-[A-Z0-9]+\.js$/;
    // The turns above used a model without a known tokenizer: estimates, nothing fetched.
    expect(requested).toContain('/assets/agentbox-worker.js');
    expect(requested.filter((p) => chunk.test(p))).toEqual([]);
    llm.enqueue({ type: 'text', text: 'Counted.' });
    const last = await page.evaluate(async (baseUrl) => {
      const w = window as unknown as {
        startRuntime: (config: unknown) => Promise<{ process: (r: unknown) => Promise<{ state: string; lastRequest?: unknown }>; close: () => Promise<void> }>;
      };
      const runtime = await w.startRuntime({ llm: { baseUrl, model: 'gpt-4o-mini', maxRetries: 0 }, store: { kind: 'memory' } });
      const session = await runtime.process({ input: 'Count me exactly.' });
      await runtime.close();
      return { state: session.state, lastRequest: session.lastRequest };
    }, llm.url);
    expect(last).toMatchObject({ state: 'completed', lastRequest: { model: 'gpt-4o-mini', exact: true, messages: 1 } });
    expect(requested.filter((p) => chunk.test(p))).toHaveLength(1);
  });

  it('logs no page errors', () => {
    // The 404 of the missing tool above is the only expected console error.
    expect(browser.errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
