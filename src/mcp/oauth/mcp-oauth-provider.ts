import {
  discoverOAuthServerInfo,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  refreshAuthorization,
  selectResourceURL,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidClientError, InvalidGrantError, UnauthorizedClientError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { McpOAuthRecord, McpTokenKey, McpTokenStore } from './mcp-token-store.js';

export interface McpOAuthProviderOptions {
  key: McpTokenKey;
  /** The MCP server's URL (the protected resource). */
  url: URL;
  store: McpTokenStore;
  /** A client registered beforehand; absent, dynamic registration. */
  clientId?: string;
  clientSecret?: string;
  scopes?: readonly string[];
  /**
   * Present only during `agentbox mcp login`: where the browser comes back, the state to
   * expect there, and who shows the authorization URL. Absent, a missing or dead grant is
   * MCP_LOGIN_REQUIRED instead of a consent prompt nobody would see.
   */
  login?: { redirectUrl: string; state: string; onAuthorizationUrl: (url: URL) => void | Promise<void> };
  /** The principal `agentbox mcp login` uses without `--principal`: the error's advice names any other. */
  defaultPrincipal?: string;
  now?: () => number;
  fetch?: FetchLike;
}

/** Used before any login has said where the browser comes back: a loopback URI, any port (RFC 8252 §7.3). */
const defaultRedirectUrl = 'http://127.0.0.1/callback';
/** A token is refreshed this long before it expires, or halfway through a shorter life. */
const refreshMarginMs = 30_000;

/**
 * The SDK's `OAuthClientProvider` for one MCP server and principal: the SDK does discovery
 * (RFC 9728, RFC 8414 / OIDC), dynamic registration, PKCE and the code exchange, and on a 401
 * the refresh; this keeps what they produce in a `McpTokenStore` and refreshes a token that
 * is about to expire before it is sent. Portable: storage and the browser redirect are the
 * caller's.
 *
 * @example
 * const provider = await McpOAuthProvider.open({ key: { server: 'docs', principal: 'cli' }, url, store });
 * provider.requireGrant();
 * new StreamableHTTPClientTransport(url, { authProvider: provider });
 */
export class McpOAuthProvider implements OAuthClientProvider {
  private record: McpOAuthRecord;
  private verifier: string | undefined;
  private obtained = false;
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  private constructor(
    private readonly options: McpOAuthProviderOptions,
    stored: McpOAuthRecord | undefined,
  ) {
    this.now = options.now ?? Date.now;
    // A grant for another URL is no grant for this one: the config's URL changed.
    this.record = stored && stored.url === options.url.href ? stored : { url: options.url.href };
  }

  static async open(options: McpOAuthProviderOptions): Promise<McpOAuthProvider> {
    return new McpOAuthProvider(options, await options.store.get(options.key));
  }

  /** Throws MCP_LOGIN_REQUIRED unless a grant is stored: checked before connecting, so no request goes out without one. */
  requireGrant(): void {
    if (!this.record.tokens) throw this.loginRequired('it has no stored grant');
  }

  get redirectUrl(): string {
    return this.options.login?.redirectUrl ?? this.record.redirectUrl ?? defaultRedirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const { scopes, clientSecret } = this.options;
    return {
      client_name: 'agentbox',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: clientSecret ? 'client_secret_basic' : 'none',
      ...(scopes?.length ? { scope: scopes.join(' ') } : {}),
    };
  }

  state(): string {
    if (!this.options.login) throw this.loginRequired('it asks for a new authorization');
    return this.options.login.state;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    const { clientId, clientSecret } = this.options;
    if (clientId) return { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}) };
    return this.record.clientInformation;
  }

  async saveClientInformation(information: OAuthClientInformationMixed): Promise<void> {
    // A configured client is the config's: nothing to keep.
    if (this.options.clientId) return;
    await this.update({ clientInformation: information });
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    // A login asks for a new consent, whatever is stored: only what it obtained counts.
    if (this.options.login) return this.obtained ? this.record.tokens : undefined;
    if (this.record.tokens && this.record.refreshAt !== undefined && this.now() >= this.record.refreshAt && this.record.tokens.refresh_token) {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
      await this.refreshing;
    }
    return this.record.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.obtained = true;
    const now = this.now();
    const lifeMs = tokens.expires_in !== undefined ? tokens.expires_in * 1000 : undefined;
    await this.update({
      tokens,
      redirectUrl: this.redirectUrl,
      expiresAt: lifeMs !== undefined ? now + lifeMs : undefined,
      refreshAt: lifeMs !== undefined ? now + lifeMs - Math.min(refreshMarginMs, lifeMs / 2) : undefined,
    });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (!this.options.login) throw this.loginRequired('its grant is missing or no longer accepted');
    await this.options.login.onAuthorizationUrl(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new AgentboxError('INTERNAL', 'no PKCE code verifier: the authorization was not started here');
    return this.verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier') return void (this.verifier = undefined);
    const cleared: Partial<McpOAuthRecord> = {};
    if (scope === 'all' || scope === 'client') cleared.clientInformation = undefined;
    if (scope === 'all' || scope === 'tokens') Object.assign(cleared, { tokens: undefined, expiresAt: undefined, refreshAt: undefined });
    if (scope === 'all' || scope === 'discovery') cleared.discoveryState = undefined;
    await this.update(cleared);
  }

  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    await this.update({ discoveryState: state });
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.record.discoveryState;
  }

  /** The refresh ahead of expiry; a 401 makes the SDK's `auth()` refresh instead. */
  private async refresh(): Promise<void> {
    // Another process (a second CLI, the service) may have refreshed it already: its token is as good.
    const latest = await this.options.store.get(this.options.key);
    if (latest?.url === this.record.url && latest.tokens && (latest.refreshAt === undefined || this.now() < latest.refreshAt)) {
      this.record = latest;
      return;
    }
    const refreshToken = this.record.tokens?.refresh_token;
    const clientInformation = this.clientInformation();
    if (!refreshToken || !clientInformation) throw this.loginRequired('its access token expired and it cannot be refreshed');
    const fetchFn = this.options.fetch;
    const discovery = this.record.discoveryState ?? (await discoverOAuthServerInfo(this.options.url, fetchFn ? { fetchFn } : {}));
    const resource = discovery.resourceMetadata?.resource ?? (await selectResourceURL(this.options.url, this, discovery.resourceMetadata));
    try {
      const fresh = await refreshAuthorization(discovery.authorizationServerUrl, {
        metadata: discovery.authorizationServerMetadata,
        clientInformation,
        refreshToken,
        ...(resource ? { resource } : {}),
        ...(fetchFn ? { fetchFn } : {}),
      });
      await this.saveTokens({ ...fresh, issuer: String(discovery.authorizationServerUrl) });
    } catch (error) {
      if (error instanceof InvalidGrantError || error instanceof InvalidClientError || error instanceof UnauthorizedClientError) {
        await this.invalidateCredentials('tokens');
        throw this.loginRequired('the authorization server no longer accepts its refresh token');
      }
      throw new AgentboxError('TOOL_FAILED', `MCP server '${this.options.key.server}': refreshing its OAuth token failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private async update(change: Partial<McpOAuthRecord>): Promise<void> {
    this.record = { ...this.record, ...change };
    for (const key of Object.keys(this.record) as Array<keyof McpOAuthRecord>) if (this.record[key] === undefined) delete this.record[key];
    await this.options.store.set(this.options.key, this.record);
  }

  private loginRequired(why: string): AgentboxError<'MCP_LOGIN_REQUIRED'> {
    const { server, principal } = this.options.key;
    const command = `agentbox mcp login ${server}${principal === (this.options.defaultPrincipal ?? principal) ? '' : ` --principal ${principal}`}`;
    return new AgentboxError('MCP_LOGIN_REQUIRED', `MCP server '${server}' needs a login for principal '${principal}' (${why}): run \`${command}\``, {
      details: { server, principal },
    });
  }
}
