import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approve, type OAuthMcpServer, startOAuthMcpServer } from '../../../test/helpers/oauth-mcp-server.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { McpToolSource } from '../../mcp/mcp-tool-source.js';
import { MemoryMcpTokenStore } from '../../mcp/oauth/mcp-token-store.js';
import { mcpSourceOptions } from './load-mcp-tool-sources.js';
import { mcpLogin } from './mcp-login.js';

// A real authorization server and MCP server from the SDK on loopback, the SDK's OAuth
// client on our provider, our loopback redirect receiver; the browser is `approve` (fetch).
let server: OAuthMcpServer;
let store: MemoryMcpTokenStore;
const key = { server: 'vault', principal: 'cli' };

beforeEach(async () => {
  server = await startOAuthMcpServer();
  store = new MemoryMcpTokenStore();
});
afterEach(() => server.close());

async function login(oauth: { clientId?: string; clientSecret?: string } = {}): Promise<string> {
  let shown = '';
  await mcpLogin({
    key,
    url: new URL(server.url),
    oauth: { type: 'oauth', ...oauth },
    store,
    timeoutMs: 10_000,
    onAuthorizationUrl: async (url) => {
      shown = url.href;
      const back = await approve(url.href);
      expect(back.status).toBe(200);
    },
  });
  return shown;
}

function connect(hostEnv: Record<string, string> = {}, auth: { clientId?: string; clientSecret?: string } = {}) {
  return McpToolSource.connect(
    mcpSourceOptions(
      'vault',
      { url: server.url, headers: {}, auth: { type: 'oauth', ...auth } },
      { tokenStore: store, principal: 'cli', hostEnv, restart: { initialDelayMs: 60_000 } },
    ),
  );
}

describe('mcpLogin and the OAuth provider against a real authorization server', () => {
  it('registers dynamically, authorizes with PKCE and state, stores the grant; calls then carry the token', async () => {
    const shown = await login();
    const url = new URL(shown);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('state')?.length).toBeGreaterThan(20);
    expect(server.counts).toMatchObject({ registrations: 1, authorizations: 1, codeExchanges: 1 });
    const record = await store.get(key);
    expect(record?.tokens?.access_token).toMatch(/^at-/);
    expect(record?.url).toBe(server.url);
    const source = await connect();
    try {
      expect((await source.call('whoami', {})).content).toEqual([{ type: 'text', text: `client ${record?.clientInformation?.client_id}` }]);
    } finally {
      await source.close();
    }
  });

  it('without a grant: MCP_LOGIN_REQUIRED naming the command, and nothing sent to the server', async () => {
    const error = await connect().catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'MCP_LOGIN_REQUIRED')).toBe(true);
    expect((error as Error).message).toMatch(/MCP server 'vault' needs a login for principal 'cli'.*run `agentbox mcp login vault`/);
    expect(server.counts.unauthorized).toBe(0);
  });

  it('a token about to expire is refreshed before it is sent: no 401', async () => {
    server.accessTtlSeconds = 1;
    await login();
    const before = (await store.get(key))?.tokens?.access_token;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const source = await connect();
    try {
      await source.call('echo', { message: 'later' });
    } finally {
      await source.close();
    }
    expect(server.counts.refreshes).toBe(1);
    expect(server.counts.unauthorized).toBe(0);
    expect((await store.get(key))?.tokens?.access_token).not.toBe(before);
  });

  it('a 401 for a token our clock still trusts: the SDK refreshes and the call goes through', async () => {
    await login();
    const source = await connect();
    try {
      server.revokeAccessTokens();
      const result = await source.call('echo', { message: 'after revocation' });
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: after revocation' }]);
    } finally {
      await source.close();
    }
    expect(server.counts.unauthorized).toBeGreaterThanOrEqual(1);
    expect(server.counts.refreshes).toBe(1);
  });

  it('a refresh token the server no longer accepts: MCP_LOGIN_REQUIRED, and the dead grant is dropped', async () => {
    await login();
    server.revokeAccessTokens();
    server.revokeRefreshTokens();
    const error = await connect().catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'MCP_LOGIN_REQUIRED')).toBe(true);
    expect((error as Error).message).toMatch(/agentbox mcp login vault/);
    expect((await store.get(key))?.tokens).toBeUndefined();
  });

  it('a configured client with its secret from the environment: no registration', async () => {
    server.preRegister({ clientId: 'agentbox-ops', clientSecret: 'sesame' });
    await login({ clientId: 'agentbox-ops', clientSecret: 'sesame' });
    expect(server.counts.registrations).toBe(0);
    expect((await store.get(key))?.clientInformation).toBeUndefined();
    const source = await connect({ VAULT_SECRET: 'sesame' }, { clientId: 'agentbox-ops', clientSecret: '${env:VAULT_SECRET}' });
    try {
      expect((await source.call('whoami', {})).content).toEqual([{ type: 'text', text: 'client agentbox-ops' }]);
    } finally {
      await source.close();
    }
  });

  it('a grant stored for another URL is not sent to this one', async () => {
    await login();
    const record = await store.get(key);
    await store.set(key, { ...record, url: 'http://127.0.0.1:1/elsewhere' });
    const error = await connect().catch((e: unknown) => e);
    expect(AgentboxError.isInstance(error, 'MCP_LOGIN_REQUIRED')).toBe(true);
  });
});

describe('mcpLogin refusals', () => {
  it('a redirect with another state is refused and nothing is saved', async () => {
    const error = await mcpLogin({
      key,
      url: new URL(server.url),
      oauth: { type: 'oauth' },
      store,
      timeoutMs: 10_000,
      onAuthorizationUrl: async (url) => {
        const consent = await fetch(url, { redirect: 'manual' });
        const forged = new URL(consent.headers.get('location') ?? '');
        forged.searchParams.set('state', 'forged');
        expect((await fetch(forged)).status).toBe(400);
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/state that this login did not send/);
    expect((await store.get(key))?.tokens).toBeUndefined();
  });

  it('an authorization server without registration and no clientId: says to configure one', async () => {
    const closed = await startOAuthMcpServer({ registration: false });
    try {
      const error = await mcpLogin({
        key,
        url: new URL(closed.url),
        oauth: { type: 'oauth' },
        store,
        timeoutMs: 5000,
        onAuthorizationUrl: () => undefined,
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/dynamic client registration.*configure tools\.mcp\.servers\.vault\.auth\.clientId/);
    } finally {
      await closed.close();
    }
  });

  it('nobody comes back: the login ends at its deadline', async () => {
    const error = await mcpLogin({ key, url: new URL(server.url), oauth: { type: 'oauth' }, store, timeoutMs: 300, onAuthorizationUrl: () => undefined }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/no redirect came back within/);
  });
});
