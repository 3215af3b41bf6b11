import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthorizationParams, OAuthServerProvider } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import { getOAuthProtectedResourceMetadataUrl, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { z } from 'zod';

/** What the server saw, for assertions. */
export interface OAuthServerCounts {
  registrations: number;
  authorizations: number;
  codeExchanges: number;
  refreshes: number;
  /** 401 answers of the MCP endpoint. */
  unauthorized: number;
  toolCalls: number;
}

export interface OAuthMcpServer {
  /** The protected MCP endpoint: `http://127.0.0.1:<port>/mcp`. */
  url: string;
  counts: OAuthServerCounts;
  /** Lifetime of access tokens issued from now on. */
  accessTtlSeconds: number;
  /** Every access and refresh token issued, to look for in logs and events. */
  issued: string[];
  /** Forgets every access token (a 401 for each), keeping refresh tokens. */
  revokeAccessTokens(): void;
  /** Forgets every refresh token (invalid_grant on refresh). */
  revokeRefreshTokens(): void;
  /** A client registered beforehand, as an operator would. */
  preRegister(client: { clientId: string; clientSecret?: string }): void;
  close(): Promise<void>;
}

interface ExpressRequest extends IncomingMessage {
  auth?: AuthInfo;
  body?: unknown;
}
type Next = () => void;

const token = () => randomBytes(18).toString('base64url');

/**
 * An OAuth authorization server and the MCP server it protects, on one loopback port, built
 * from what the SDK ships: `mcpAuthRouter` (metadata per RFC 8414 and RFC 9728, dynamic
 * registration, /authorize, /token with PKCE checks), `requireBearerAuth`, and a stateless
 * Streamable HTTP `McpServer`. The consent step approves at once: following the printed
 * authorization URL with fetch is the person clicking "Allow".
 */
export async function startOAuthMcpServer(options: { registration?: boolean; accessTtlSeconds?: number } = {}): Promise<OAuthMcpServer> {
  const clients = new Map<string, OAuthClientInformationFull>();
  const codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  const access = new Map<string, AuthInfo>();
  const refresh = new Map<string, { clientId: string; scopes: string[] }>();
  const counts: OAuthServerCounts = { registrations: 0, authorizations: 0, codeExchanges: 0, refreshes: 0, unauthorized: 0, toolCalls: 0 };
  const issued: string[] = [];
  const state = { accessTtlSeconds: options.accessTtlSeconds ?? 3600 };

  const clientsStore: OAuthRegisteredClientsStore = {
    getClient: (id) => clients.get(id),
    ...(options.registration === false
      ? {}
      : {
          registerClient: (client: Omit<OAuthClientInformationFull, 'client_id' | 'client_id_issued_at'>) => {
            counts.registrations += 1;
            const full = { ...client, client_id: `dyn-${token()}`, client_id_issued_at: Math.floor(Date.now() / 1000) } as OAuthClientInformationFull;
            clients.set(full.client_id, full);
            return full;
          },
        }),
  };

  const issue = (clientId: string, scopes: string[], resource: URL | undefined): OAuthTokens => {
    const accessToken = `at-${token()}`;
    const refreshToken = `rt-${token()}`;
    issued.push(accessToken, refreshToken);
    access.set(accessToken, {
      token: accessToken,
      clientId,
      scopes,
      expiresAt: Math.floor(Date.now() / 1000) + state.accessTtlSeconds,
      ...(resource ? { resource } : {}),
    });
    refresh.set(refreshToken, { clientId, scopes });
    return { access_token: accessToken, token_type: 'bearer', expires_in: state.accessTtlSeconds, refresh_token: refreshToken, scope: scopes.join(' ') };
  };

  const provider: OAuthServerProvider = {
    get clientsStore() {
      return clientsStore;
    },
    async authorize(client, params, res) {
      counts.authorizations += 1;
      const code = token();
      codes.set(code, { clientId: client.client_id, params });
      const target = new URL(params.redirectUri);
      target.searchParams.set('code', code);
      if (params.state !== undefined) target.searchParams.set('state', params.state);
      res.redirect(302, target.href);
    },
    async challengeForAuthorizationCode(_client, code) {
      const found = codes.get(code);
      if (!found) throw new InvalidGrantError('unknown authorization code');
      return found.params.codeChallenge;
    },
    async exchangeAuthorizationCode(client, code, _verifier, redirectUri, resource) {
      const found = codes.get(code);
      if (!found || found.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code');
      if (redirectUri !== undefined && redirectUri !== found.params.redirectUri)
        throw new InvalidGrantError('redirect_uri differs from the authorization request');
      codes.delete(code);
      counts.codeExchanges += 1;
      return issue(client.client_id, found.params.scopes ?? [], resource ?? found.params.resource);
    },
    async exchangeRefreshToken(client, refreshToken, scopes, resource) {
      const found = refresh.get(refreshToken);
      if (!found || found.clientId !== client.client_id) throw new InvalidGrantError('unknown refresh token');
      refresh.delete(refreshToken);
      counts.refreshes += 1;
      return issue(client.client_id, scopes ?? found.scopes, resource);
    },
    async verifyAccessToken(accessToken) {
      const found = access.get(accessToken);
      if (!found) throw new InvalidTokenError('unknown or revoked token');
      return found;
    },
  };

  const app = createMcpExpressApp();
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mcpUrl = new URL('/mcp', base);
  app.use(
    mcpAuthRouter({
      provider,
      issuerUrl: new URL(base),
      resourceServerUrl: mcpUrl,
      scopesSupported: ['tools'],
      authorizationOptions: { rateLimit: false },
      tokenOptions: { rateLimit: false },
      clientRegistrationOptions: { rateLimit: false },
    }),
  );
  const bearer = requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl) });
  const counted = (req: ExpressRequest, res: ServerResponse, next: Next) => {
    res.on('finish', () => {
      if (res.statusCode === 401) counts.unauthorized += 1;
    });
    bearer(req, res, next);
  };
  app.post('/mcp', counted, async (req: ExpressRequest, res: ServerResponse) => {
    const mcp = new McpServer({ name: 'protected', version: '1.0.0' });
    mcp.registerTool('whoami', { description: 'Says which OAuth client is calling', inputSchema: {} }, async (_args, extra) => {
      counts.toolCalls += 1;
      return { content: [{ type: 'text', text: `client ${extra.authInfo?.clientId ?? 'nobody'}` }] };
    });
    mcp.registerTool('echo', { description: 'Echoes a message', inputSchema: { message: z.string() } }, async ({ message }) => {
      counts.toolCalls += 1;
      return { content: [{ type: 'text', text: `Echo: ${message}` }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  app.get('/mcp', (_req: ExpressRequest, res: ServerResponse) => {
    res.writeHead(405).end();
  });

  return {
    url: mcpUrl.href,
    counts,
    issued,
    get accessTtlSeconds() {
      return state.accessTtlSeconds;
    },
    set accessTtlSeconds(value: number) {
      state.accessTtlSeconds = value;
    },
    revokeAccessTokens: () => access.clear(),
    revokeRefreshTokens: () => refresh.clear(),
    preRegister: ({ clientId, clientSecret }) => {
      clients.set(clientId, {
        client_id: clientId,
        ...(clientSecret ? { client_secret: clientSecret } : {}),
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: clientSecret ? 'client_secret_basic' : 'none',
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The person clicking "Allow": follows the authorization URL to its redirect, and that to the loopback receiver. */
export async function approve(authorizationUrl: string): Promise<Response> {
  const consent = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`the authorization server answered ${consent.status}: ${await consent.text()}`);
  return fetch(location);
}
