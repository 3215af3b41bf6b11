/**
 * Attacker: anyone who can reach `agentbox serve` — `/healthz` needs no API key. It used to
 * echo the LLM base URL verbatim, so credentials in it (`https://user:pw@proxy/v1`, an
 * `?api-key=` query as some gateways take) were readable without authenticating.
 * Fixed in src/node/server/start-server.ts: the status shows `safeUrl(baseUrl)`.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { startServer } from '../../src/node/server/start-server.js';

describe('GET /healthz without a key', () => {
  it('does not reveal credentials in the LLM base URL', async () => {
    const baseUrl = 'http://gateway-user:hunter2-password@127.0.0.1:9/v1?api-key=query-secret-456';
    const config = configSchema.parse({ llm: { baseUrl, model: 'm', maxRetries: 0 }, store: { kind: 'memory' } });
    const running = await startServer({ config, port: 0 });
    try {
      const response = await fetch(`${running.url}/healthz`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ llm: { configured: true, baseUrl: 'http://127.0.0.1:9/v1' } });
      for (const secret of ['hunter2-password', 'gateway-user', 'query-secret-456']) expect(text).not.toContain(secret);
    } finally {
      await running.close({ timeoutMs: 1000 });
    }
  });
});
