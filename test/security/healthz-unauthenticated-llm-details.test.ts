/**
 * Attacker: anyone who can reach a keyed `agentbox serve`. `/healthz` needs no key (health
 * probes have none) and showed the LLM base URL and model: which provider, gateway and
 * internal host this deployment uses, for the asking.
 *
 * Fixed in src/server/routes/operation-routes.ts: without a key `/healthz` says only
 * whether an LLM is configured; with a valid key (or in local mode, whose requests passed
 * the Host and Origin checks) it shows the endpoint and model. A wrong key is a 401 and
 * counts against the failed-authentication rate limit, so it is no key-guessing oracle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyedConfig, keys, startHarness, type ServerHarness } from '../helpers/server-harness.js';

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const llm = { configured: true, baseUrl: 'http://llm-gateway.internal:4000/v1', model: 'internal-model-7b' };

describe('GET /healthz', () => {
  it('shows only booleans without a key', async () => {
    const { config, auth } = await keyedConfig();
    h = await startHarness({ config, auth, llm });
    const res = await h.call('/healthz');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'ok', llm: { configured: true } });
    for (const detail of ['llm-gateway.internal', 'internal-model-7b']) expect(text).not.toContain(detail);
  });

  it('shows the endpoint to a valid key, refuses a wrong one, and throttles guesses', async () => {
    const { config, auth } = await keyedConfig({ rateLimit: { requestsPerMinute: 5 } });
    h = await startHarness({ config, auth, llm });
    expect(await (await h.call('/healthz', { key: keys.reader })).json()).toEqual({ status: 'ok', llm });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await h.call('/healthz', { key: `guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('shows the endpoint in local mode, where the Host and Origin checks stand in for a key', async () => {
    h = await startHarness({ llm });
    expect(await (await h.call('/healthz')).json()).toEqual({ status: 'ok', llm });
    expect((await h.call('http://evil.example/healthz')).status).toBe(403);
  });
});
