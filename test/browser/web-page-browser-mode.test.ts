/**
 * The web page in browser mode, in real chromium: the whole agent runs in a Web Worker
 * (IndexedDB store, OpenAI-compatible provider on the worker's fetch, WASM tools in job
 * workers) and calls the loopback scripted LLM server directly.
 */
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import type { StaticServer } from './helpers/static-server.js';
import { ensureWebBuilt, screenshot, sendMessage, servePage, waitReady, waitTurnEnd } from './helpers/web-page.js';

let browser: TestBrowser;
let site: StaticServer;
let llm: ScriptedLlmServer;

beforeAll(async () => {
  await ensureWebBuilt();
  [site, llm, browser] = await Promise.all([servePage(), startScriptedLlmServer(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await llm?.close();
});

function pageUrl(extra = ''): string {
  return `${site.url}/?mode=browser&baseUrl=${encodeURIComponent(llm.url)}&model=scripted${extra}`;
}

async function openPage(extra = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(pageUrl(extra));
  await waitReady(page);
  return page;
}

describe('the web page in browser mode', () => {
  it('streams the answer in as it arrives, from a worker calling the endpoint directly', async () => {
    const page = await openPage();
    expect(await page.locator('html').getAttribute('data-mode')).toBe('browser');
    const full = 'Hello from a model streaming slowly into the page.';
    llm.enqueue({ type: 'text', text: full, chunks: 8, chunkDelayMs: 120 });
    await sendMessage(page, 'Say hello');
    await expect.poll(() => page.locator('.message.user').last().textContent()).toBe('Say hello');
    // Part of the answer is on screen while the rest is still coming.
    await page.waitForFunction(
      (whole) => {
        const bubble = document.querySelector('.message.assistant.streaming');
        const text = bubble?.textContent ?? '';
        return text.length > 0 && text.length < whole.length;
      },
      full,
      { timeout: 10_000 },
    );
    await waitTurnEnd(page);
    expect(await page.locator('.message.assistant').last().textContent()).toBe(full);
    expect(await page.locator('.message.assistant.streaming').count()).toBe(0);
    // The browser itself made the call: a cross-origin request from the page's origin.
    expect(llm.requests.at(-1)?.headers.origin).toBe(site.url);
    expect(llm.requests.at(-1)?.body.messages?.at(-1)).toMatchObject({ role: 'user', content: 'Say hello' });
    await page.close();
  });

  it('shows a tool call with its arguments, result, duration and permission decision', async () => {
    const page = await openPage();
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '17 * 23' } }] }, { type: 'text', text: '17 × 23 = 391.' });
    await sendMessage(page, 'What is 17 * 23?');
    await waitTurnEnd(page);
    const card = page.locator('.tool-call[data-name="calculator"]').last();
    expect(await card.locator('.tool-args').textContent()).toContain('"expression": "17 * 23"');
    expect(await card.locator('.tool-result').textContent()).toContain('391');
    expect(await card.locator('.tool-duration').textContent()).toMatch(/^\d+(\.\d)? ms$/);
    expect(await card.locator('.tool-permission').textContent()).toMatch(/allowed/);
    expect(await card.getAttribute('class')).toContain('ok');
    expect(await page.locator('.message.assistant').last().textContent()).toBe('17 × 23 = 391.');
    // The model got the tool's result back.
    expect(JSON.stringify(llm.requests.at(-1)?.body.messages)).toContain('391');
    await page.close();
  });

  it('asks before an approval-gated call, runs it once approved, and refuses it when denied', async () => {
    const page = await openPage('&approve=calculator');
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] }, { type: 'text', text: 'It is 42.' });
    await sendMessage(page, 'What is 6 * 7? Ask me first.');
    const card = page.locator('.tool-call[data-name="calculator"]').last();
    const approve = card.getByRole('button', { name: 'Approve' });
    await approve.waitFor();
    // RBAC decides first (the page's user is principal `browser`), then the person.
    expect(await card.locator('.tool-permission').textContent()).toMatch(/^allowed for browser: .*; waiting for your approval$/);
    expect(await card.locator('.tool-result').textContent()).toBe('…');
    await approve.click();
    await waitTurnEnd(page);
    expect(await card.locator('.tool-permission').textContent()).toMatch(/; approved by browser user$/);
    expect(await card.locator('.tool-result').textContent()).toContain('42');
    expect(await card.getByRole('button').count()).toBe(0);

    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '1 + 1' } }] }, { type: 'text', text: 'You said no.' });
    await sendMessage(page, 'And 1 + 1?');
    const second = page.locator('.tool-call[data-name="calculator"]').last();
    await second.getByRole('button', { name: 'Deny' }).click();
    await waitTurnEnd(page);
    expect(await second.locator('.tool-permission').textContent()).toMatch(/; denied by browser user/);
    expect(await second.locator('.tool-result').textContent()).toContain('TOOL_DENIED');
    await page.close();
  });

  it('runs a WASM tool inside the worker through the WASI layer', async () => {
    const page = await openPage();
    llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'text_stats', arguments: { text: 'the cat and the hat', top: 1 } }] },
      { type: 'text', text: 'Five words; "the" twice.' },
    );
    await sendMessage(page, 'Count the words of "the cat and the hat".');
    await waitTurnEnd(page);
    const card = page.locator('.tool-call[data-name="text_stats"]').last();
    const result = JSON.parse((await card.locator('.tool-result').textContent()) ?? '') as { words: number; topWords: Array<{ word: string; count: number }> };
    expect(result.words).toBe(5);
    expect(result.topWords[0]).toEqual({ word: 'the', count: 2 });
    expect(await card.getAttribute('class')).toContain('ok');
    await page.close();
  });

  it('keeps sessions across a reload (IndexedDB) and redraws one from its stored log', async () => {
    const page = await openPage();
    llm.enqueue({ type: 'tool-calls', calls: [{ name: 'calculator', arguments: { expression: '2 ** 10' } }] }, { type: 'text', text: 'That is 1024.' });
    await sendMessage(page, 'Remember me: what is 2 ** 10?');
    await waitTurnEnd(page);
    const sessionId = new URL(page.url()).hash.slice(1);
    expect(sessionId).not.toBe('');

    await page.reload();
    await waitReady(page);
    const link = page.locator(`#sessions a[data-session-id="${sessionId}"]`);
    expect(await link.textContent()).toBe('Remember me: what is 2 ** 10?');
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await page.locator('.message.user').last().textContent()).toBe('Remember me: what is 2 ** 10?');
    expect(await page.locator('.tool-call[data-name="calculator"] .tool-result').last().textContent()).toContain('1024');
    expect(await page.locator('.message.assistant').last().textContent()).toBe('That is 1024.');

    // Switching away and back through the list works from the keyboard too.
    await page.getByRole('button', { name: 'New chat' }).click();
    expect(await page.locator('#transcript li').count()).toBe(0);
    await link.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.message.assistant').last().textContent()).toBe('That is 1024.');
    await screenshot(page, 'web-page-browser-mode.png');
    expect(statSync(`${process.cwd()}/test-artifacts/web-page-browser-mode.png`).size).toBeGreaterThan(1000);
    await page.close();
  });

  it('says clearly when no LLM endpoint is configured', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/?mode=browser`);
    await waitReady(page);
    const notice = page.getByRole('alert').first();
    expect(await notice.textContent()).toMatch(/No LLM endpoint is configured.*baseUrl=/);
    // A message still gets a readable failure, not a hang.
    await sendMessage(page, 'Hello?');
    await waitTurnEnd(page);
    expect(await page.locator('.message.error').last().textContent()).toMatch(/^CONFIG_INVALID: No LLM endpoint is configured/);
    await page.close();
  });

  it('logs no page errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
