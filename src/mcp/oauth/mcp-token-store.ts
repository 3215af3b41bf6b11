import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** Whose grant: one per configured server and principal. */
export interface McpTokenKey {
  server: string;
  principal: string;
}

/** What one login leaves behind for one server and principal. Secrets: never logged, never in events. */
export interface McpOAuthRecord {
  /** The MCP server URL the grant is for: tokens are never sent to a server at another URL. */
  url: string;
  /** The redirect URI the client was registered and authorized with. */
  redirectUrl?: string;
  /** A dynamically registered client (a configured one lives in the config, not here). */
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  /** When the access token expires, and when it is refreshed ahead of that (epoch ms). */
  expiresAt?: number;
  refreshAt?: number;
  /** The authorization server and metadata found at login, so a refresh needs no discovery. */
  discoveryState?: OAuthDiscoveryState;
}

/**
 * Where MCP OAuth grants are kept. Node keeps them in a 0600 file under the agentbox data
 * directory (`FileMcpTokenStore`); `MemoryMcpTokenStore` is for tests and the browser.
 */
export interface McpTokenStore {
  get(key: McpTokenKey): Promise<McpOAuthRecord | undefined>;
  set(key: McpTokenKey, record: McpOAuthRecord): Promise<void>;
  /** True when there was something to delete. */
  delete(key: McpTokenKey): Promise<boolean>;
}

/** A token store in memory: gone with the process. */
export class MemoryMcpTokenStore implements McpTokenStore {
  private readonly records = new Map<string, McpOAuthRecord>();

  async get(key: McpTokenKey): Promise<McpOAuthRecord | undefined> {
    const record = this.records.get(mapKey(key));
    return record ? structuredClone(record) : undefined;
  }

  async set(key: McpTokenKey, record: McpOAuthRecord): Promise<void> {
    this.records.set(mapKey(key), structuredClone(record));
  }

  async delete(key: McpTokenKey): Promise<boolean> {
    return this.records.delete(mapKey(key));
  }
}

function mapKey(key: McpTokenKey): string {
  return JSON.stringify([key.server, key.principal]);
}
