/**
 * Attacker: anyone who can reach a keyed `agentbox serve` and wants an API key. `/metrics`
 * checked the key outside the rate limiter: 150 wrong keys in a row all got 401, never
 * 429, so keys could be guessed there at full speed while /v1 throttled the same guesses.
 * And any valid key, even one whose roles grant nothing, could read the metrics.
 *
 * Fixed in src/server/request-guard.ts (`principalOf`: /metrics authenticates as /v1 does,
 * wrong keys sharing the failed-authentication bucket) and
 * src/server/routes/operation-routes.ts (/metrics needs the new `metrics:read` permission,
 * src/auth/permission.ts; admin and local keep it through `*`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyedConfig, keys, startHarness, type ServerHarness } from '../helpers/server-harness.js';

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /metrics with guessed keys', () => {
  it('runs into the rate limit (120 a minute) like /v1 does', async () => {
    const { config, auth } = await keyedConfig();
    h = await startHarness({ prometheus: true, config, auth });
    const statuses: number[] = [];
    for (let i = 0; i < 150; i += 1) statuses.push((await h.call('/metrics', { key: `guess-${i}` })).status);
    expect(statuses.slice(0, 120).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(120).every((s) => s === 429)).toBe(true);
    // The guesses never slow a valid key down.
    expect((await h.call('/metrics', { key: keys.admin })).status).toBe(200);
  });

  it('needs metrics:read: a valid key without it is forbidden', async () => {
    const { config, auth } = await keyedConfig();
    const roles = { ...auth?.roles, scraper: { allow: ['metrics:read'] } };
    h = await startHarness({ prometheus: true, config, auth: { ...auth, roles, principals: { ...auth?.principals, reader: { roles: ['scraper'] } } } });
    for (const key of [keys.alice, keys.bob]) {
      const res = await h.call('/metrics', { key });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect((await h.call('/metrics', { key: keys.reader })).status).toBe(200);
    expect((await h.call('/metrics', { key: keys.admin })).status).toBe(200);
  });

  it('stays open to local mode (the local admin holds `*`)', async () => {
    h = await startHarness({ prometheus: true });
    expect((await h.call('/metrics')).status).toBe(200);
  });
});
