import { randomBytes } from 'node:crypto';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { McpOAuthConfig } from '../../config/mcp-config-schema.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { McpOAuthProvider } from '../../mcp/oauth/mcp-oauth-provider.js';
import type { McpTokenKey, McpTokenStore } from '../../mcp/oauth/mcp-token-store.js';
import { startLoopbackRedirect } from './loopback-redirect.js';

export interface McpLoginOptions {
  key: McpTokenKey;
  url: URL;
  /** The server's `auth` entry with `clientSecret` already expanded. */
  oauth: McpOAuthConfig;
  store: McpTokenStore;
  /** Shows the authorization URL to the person (the CLI prints it). */
  onAuthorizationUrl: (url: URL) => void | Promise<void>;
  /** How long to wait for the browser to come back; default 5 minutes. */
  timeoutMs?: number;
}

/**
 * The one-time consent for an OAuth MCP server: the SDK discovers the authorization server,
 * registers agentbox when no client is configured, and builds the PKCE authorization URL;
 * the person opens it; the redirect comes back to a loopback port; the code is exchanged and
 * the grant stored for this server and principal.
 */
export async function mcpLogin(options: McpLoginOptions): Promise<void> {
  const state = randomBytes(24).toString('base64url');
  const redirect = await startLoopbackRedirect({ state, timeoutMs: options.timeoutMs ?? 300_000 });
  try {
    const { clientId, clientSecret, scopes } = options.oauth;
    const provider = await McpOAuthProvider.open({
      key: options.key,
      url: options.url,
      store: options.store,
      ...(clientId ? { clientId } : {}),
      ...(clientSecret ? { clientSecret } : {}),
      ...(scopes ? { scopes } : {}),
      login: { redirectUrl: redirect.redirectUrl, state, onAuthorizationUrl: options.onAuthorizationUrl },
    });
    const scope = scopes?.length ? { scope: scopes.join(' ') } : {};
    await step(options.key.server, () => auth(provider, { serverUrl: options.url, ...scope }));
    const authorizationCode = await redirect.code;
    const result = await step(options.key.server, () => auth(provider, { serverUrl: options.url, authorizationCode, ...scope }));
    if (result !== 'AUTHORIZED') throw new AgentboxError('TOOL_FAILED', `MCP server '${options.key.server}': the authorization server did not issue a token`);
  } finally {
    await redirect.close();
  }
}

async function step<T>(server: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (AgentboxError.isInstance(error)) throw error;
    const message = (error as Error).message ?? String(error);
    const hint = /dynamic client registration/.test(message) ? `; configure tools.mcp.servers.${server}.auth.clientId with a client registered there` : '';
    throw new AgentboxError('TOOL_FAILED', `MCP server '${server}': login failed: ${message}${hint}`, { cause: error });
  }
}
