/**
 * The web page's workflow view, in real chromium, served by the real `agentbox serve`: a
 * run waiting on a `listen` shows its tasks, Approve posts the approval through the API,
 * and the timeline follows the run live to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';
import { startAgentboxServe, type RunningService } from './helpers/agentbox-serve.js';
import { ensureWebBuilt, waitReady } from './helpers/web-page.js';

let browser: TestBrowser;
let service: RunningService;

beforeAll(async () => {
  await ensureWebBuilt();
  browser = await launchBrowser();
  service = await startAgentboxServe({ store: { kind: 'memory' } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.close();
});

const definition = {
  document: { dsl: '1.0.0', namespace: 'test', name: 'gate', version: '1.0.0' },
  do: [
    { draft: { set: { draft: '${ "about " + .subject }' } } },
    { approval: { listen: { to: { one: { with: { type: 'approval' } } } } } },
    { publish: { set: { approved: '${ .approved }' } } },
  ],
};

describe('the workflow view of the web page', () => {
  it('shows a run waiting on a listen; Approve lets it finish, live', async () => {
    const res = await fetch(`${service.url}/v1/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ definition, input: { subject: 'tides' } }),
    });
    expect(res.status).toBe(201);
    const { runId } = (await res.json()) as { runId: string };

    const page = await browser.newPage();
    await page.goto(`${service.url}/?view=workflows`);
    await waitReady(page);
    // The run is in the list; opening it shows the timeline.
    await page.locator(`a[data-run-id="${runId}"]`).click();
    const approve = page.getByRole('button', { name: 'Approve' });
    await approve.waitFor({ timeout: 10_000 });
    expect(await page.locator('.task[data-path="/do/0/draft"]').getAttribute('data-status')).toBe('completed');
    const field = (path: string, name: string) => page.locator(`.task[data-path="${path}"] [data-field="${name}"] pre`).textContent();
    expect(await field('/do/0/draft', 'output')).toContain('about tides');
    // Inputs are journaled as references to the value they are (the run's input, the previous output).
    expect(JSON.parse((await field('/do/0/draft', 'input')) ?? '')).toEqual({ subject: 'tides' });
    expect(JSON.parse((await field('/do/1/approval', 'input')) ?? '')).toEqual({ draft: 'about tides' });
    expect(await page.locator('.task[data-path="/do/1/approval"]').getAttribute('data-status')).toBe('running');

    await approve.click();
    await page.locator('#run-status[data-status="completed"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.task[data-path="/do/1/approval"]').getAttribute('data-status')).toBe('completed');
    expect(await field('/do/2/publish', 'output')).toContain('"approved": true');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const run = (await (await fetch(`${service.url}/v1/workflows/runs/${runId}`)).json()) as { status: string; output: unknown };
    expect(run).toMatchObject({ status: 'completed', output: { approved: true } });
    await page.close();
  });
});
