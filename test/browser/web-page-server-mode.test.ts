/**
 * The web page in its default mode, in real chromium, served by the real `agentbox serve`
 * (the compiled CLI) and talking to its sessions API: answers stream in over SSE, tool
 * calls show their permission decisions, approvals go through the API, sessions survive a
 * reload, and a service without an LLM endpoint says how to configure one.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { artifactsDir, ensureWebBuilt, screenshot, sendMessage, waitReady, waitTurnEnd } from './helpers/web-page.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startAgentboxServe, type RunningService } from './helpers/agentbox-serve.js';

let browser: TestBrowser;
let llm: ScriptedLlmServer;
let service: RunningService;

beforeAll(async () => {
  await ensureWebBuilt();
  [llm, browser] = await Promise.all([startScriptedLlmServer(), launchBrowser()]);
  service = await startAgentboxServe({
    llm: { baseUrl: llm.url, model: 'scripted', maxRetries: 0 },
    store: { kind: 'memory' },
    tools: { requireApproval: ['current_time'] },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await llm?.close();
});

async function openPage(url = `${service.url}/`): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await waitReady(page);
  return page;
}

describe('the web page served by agentbox serve', () => {
  it('streams an answer in over the sessions API', async () => {
    const page = await openPage();
    expect(await page.locator('html').getAttribute('data-mode')).toBe('server');
    const full = 'Streaming from agentbox serve, one piece at a time.';
    llm.enqueue({ type: 'text', text: full, chunks: 8, chunkDelayMs: 120 });
    await sendMessage(page, 'Stream something');
    await page.waitForFunction(
      (whole) => {
        const text = document.querySelector('.message.assistant.streaming')?.textContent ?? '';
        return text.length > 0 && text.length < whole.length;
      },
      full,
      { timeout: 10_000 },
    );
    await waitTurnEnd(page);
    expect(await page.locator('.message.assistant').last().textContent()).toBe(full);
    await page.close();
  });

  it('shows a tool call, and approves a gated one through the API', async () => {
    const page = await openPage();
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '12 * 12' } }] }, { type: 'text', text: '144.' });
    await sendMessage(page, 'What is 12 * 12?');
    await waitTurnEnd(page);
    const calc = page.locator('.tool-call[data-name="calculator"]').last();
    expect(await calc.locator('.tool-args').textContent()).toContain('"expression": "12 * 12"');
    expect(await calc.locator('.tool-result').textContent()).toContain('144');
    expect(await calc.locator('.tool-duration').textContent()).toMatch(/^\d+(\.\d)? ms$/);
    // The service has a policy: its verdict is shown.
    expect(await calc.locator('.tool-permission').textContent()).toMatch(/^allowed for /);

    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'current_time', arguments: {} }] }, { type: 'text', text: 'Here is the time.' });
    await sendMessage(page, 'What time is it? (needs approval)');
    const clock = page.locator('.tool-call[data-name="current_time"]').last();
    await clock.getByRole('button', { name: 'Approve' }).click();
    await waitTurnEnd(page);
    expect(await clock.locator('.tool-permission').textContent()).toMatch(/approved by /);
    expect(await clock.getAttribute('class')).toContain('ok');
    expect(await page.locator('.message.assistant').last().textContent()).toBe('Here is the time.');
    await page.close();
  });

  it('lists sessions after a reload and redraws the open one', async () => {
    const page = await openPage();
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '3 + 4' } }] }, { type: 'text', text: 'Seven.' });
    await sendMessage(page, 'Server, remember: 3 + 4?');
    await waitTurnEnd(page);
    const sessionId = new URL(page.url()).hash.slice(1);
    await page.reload();
    await waitReady(page);
    expect(await page.locator(`#sessions a[data-session-id="${sessionId}"]`).textContent()).toBe('Server, remember: 3 + 4?');
    expect(await page.locator('.tool-call[data-name="calculator"] .tool-result').last().textContent()).toContain('7');
    expect(await page.locator('.message.assistant').last().textContent()).toBe('Seven.');
    await screenshot(page, 'web-page-server-mode.png');
    expect(statSync(join(artifactsDir, 'web-page-server-mode.png')).size).toBeGreaterThan(1000);
    await page.close();
  });

  it('says how to configure an LLM endpoint when the service has none', async () => {
    const bare = await startAgentboxServe({ store: { kind: 'memory' } });
    try {
      const page = await openPage(`${bare.url}/`);
      await sendMessage(page, 'Anyone there?');
      await waitTurnEnd(page);
      expect(await page.locator('#notice').textContent()).toMatch(/no LLM endpoint is configured.*OPENAI_BASE_URL/i);
      expect(await page.locator('.message.error').last().textContent()).toMatch(/^LLM_UNREACHABLE: /);
      await page.close();
    } finally {
      await bare.close();
    }
  });

  it('logs no page errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
