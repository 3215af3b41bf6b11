/**
 * An MCP server's form in the web page, in real chromium, against the real `agentbox serve`
 * running server-everything over stdio: the form is drawn from `elicitation.requested`
 * (inputs by type, choices as selects, required fields marked), a refused answer is shown
 * under it, the accepted one reaches the server, and the form goes away — live, and after a
 * reload from the stored log.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { repoRoot } from '../helpers/run-cli.js';
import { ensureWebBuilt, screenshot, sendMessage, waitReady, waitTurnEnd } from './helpers/web-page.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startAgentboxServe, type RunningService } from './helpers/agentbox-serve.js';

const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const tool = 'everything_trigger-elicitation-request';
let browser: TestBrowser;
let llm: ScriptedLlmServer;
let service: RunningService;

beforeAll(async () => {
  await ensureWebBuilt();
  [llm, browser] = await Promise.all([startScriptedLlmServer(), launchBrowser()]);
  service = await startAgentboxServe({
    llm: { baseUrl: llm.url, model: 'scripted', maxRetries: 0 },
    store: { kind: 'memory' },
    tools: { mcp: { servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } } } },
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
  await llm?.close();
});

const toolOutput = (): string => {
  const request = llm.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
  return request.messages.find((m) => m.role === 'tool')?.content ?? '';
};

describe("an MCP server's form in the web page", () => {
  it('draws the form, shows a refusal, sends the answer, and removes the form (live and after a reload)', async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/`);
    await waitReady(page);
    llm.enqueue({ type: 'tool-calls', calls: [{ name: tool, arguments: {} }] }, { type: 'text', text: 'Thank you, Ann.' });
    await sendMessage(page, 'Ask me for my details.');
    const form = page.locator('form.elicitation');
    await form.waitFor({ timeout: 15_000 });
    expect(await form.locator('.elicitation-message').textContent()).toBe("MCP server 'everything' asks: Please provide inputs for the following fields:");
    // Inputs by type, choices as a select, defaults filled in, the required field marked.
    const name = form.locator('[name="name"]');
    expect(await name.getAttribute('required')).not.toBeNull();
    expect(await form.locator('.elicitation-field.is-required label').allTextContents()).toEqual(['String *']);
    expect(await form.locator('[name="check"]').getAttribute('type')).toBe('checkbox');
    expect(await form.locator('[name="email"]').getAttribute('type')).toBe('email');
    const integer = form.locator('[name="integer"]');
    expect([await integer.getAttribute('type'), await integer.getAttribute('min'), await integer.getAttribute('max'), await integer.inputValue()]).toEqual([
      'number',
      '1',
      '100',
      '42',
    ]);
    // Labelled for assistive technology: the label names the input.
    expect(await form.getByLabel('Integer', { exact: true }).getAttribute('name')).toBe('integer');
    const friend = form.locator('[name="untitledSingleSelectEnum"]');
    expect(await friend.evaluate((s) => s.tagName)).toBe('SELECT');
    expect(await friend.inputValue()).toBe('Monica');
    const hero = form.locator('[name="titledSingleSelectEnum"]');
    expect(await hero.locator('option').allTextContents()).toEqual(['—', 'Superman', 'Green Lantern', 'Wonder Woman']);

    // The service checks the answer again: with the browser's own bounds taken off the input,
    // an integer out of range reaches it, is refused with a 400, and the reason shows under the form.
    await name.fill('Ann Lee');
    await form.locator('[name="check"]').check();
    await friend.selectOption('Joey');
    await hero.selectOption({ label: 'Wonder Woman' });
    await integer.evaluate((input) => input.removeAttribute('max'));
    await integer.fill('500');
    await form.getByRole('button', { name: 'Send' }).click();
    const problem = form.locator('.elicitation-error');
    await problem.filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
    expect(await problem.textContent()).toContain('content.integer: must be at most 100');
    expect(await form.count()).toBe(1);
    await screenshot(page, 'web-page-elicitation.png');

    await integer.fill('7');
    await form.locator('[name="untitledMultipleSelectEnum"]').selectOption(['Piano', 'Drums']);
    await form.getByRole('button', { name: 'Send' }).click();
    await waitTurnEnd(page);
    expect(await page.locator('form.elicitation').count()).toBe(0);
    expect(await page.locator('.elicitation-answer').last().textContent()).toBe('Form answered by local');
    expect(toolOutput()).toContain('Name: Ann Lee');
    expect(toolOutput()).toContain('Favorite Integer: 7');
    expect(toolOutput()).toContain('"titledSingleSelectEnum": "hero-3"');
    expect(toolOutput()).toContain('"Piano"');

    // Stored: the form drawn from elicitation.requested is taken away by the stored answer.
    await page.reload();
    await waitReady(page);
    await page.locator('.tool-call').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('form.elicitation').count()).toBe(0);
    expect(await page.locator('.elicitation-answer').count()).toBe(1);
    await page.close();
  }, 60_000);

  it('declines', async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/`);
    await waitReady(page);
    llm.enqueue({ type: 'tool-calls', calls: [{ name: tool, arguments: {} }] }, { type: 'text', text: 'Fine.' });
    await sendMessage(page, 'Ask me again.');
    const form = page.locator('form.elicitation');
    await form.waitFor({ timeout: 15_000 });
    await form.getByRole('button', { name: 'Decline' }).click();
    await waitTurnEnd(page);
    expect(await page.locator('form.elicitation').count()).toBe(0);
    expect(await page.locator('.elicitation-answer').last().textContent()).toBe('Form declined by local');
    expect(toolOutput()).toContain('User declined');
    await page.close();
  }, 60_000);

  it('URL mode: shows the page to open as a link, and Done accepts', async () => {
    const page = await browser.newPage();
    await page.goto(`${service.url}/`);
    await waitReady(page);
    llm.enqueue(
      { type: 'tool-calls', calls: [{ name: 'everything_trigger-url-elicitation', arguments: { url: 'https://example.com/consent' } }] },
      { type: 'text', text: 'Thanks.' },
    );
    await sendMessage(page, 'Get my consent.');
    const form = page.locator('form.elicitation');
    await form.waitFor({ timeout: 15_000 });
    const link = form.locator('.elicitation-url a');
    expect([await link.textContent(), await link.getAttribute('href'), await link.getAttribute('rel')]).toEqual([
      'https://example.com/consent',
      'https://example.com/consent',
      'noopener noreferrer',
    ]);
    await form.getByRole('button', { name: 'Done' }).click();
    await waitTurnEnd(page);
    expect(await page.locator('form.elicitation').count()).toBe(0);
    expect(toolOutput()).toContain('User completed the URL elicitation flow');
    await page.close();
  }, 60_000);
});
