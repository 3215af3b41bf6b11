import { z } from 'zod';

/**
 * `tools.mcp`: MCP servers whose tools join the registry as `<server>_<tool>`. A server
 * name has no underscore, so a permission such as `tool:invoke:github_*` names one
 * server's tools and no other's.
 */
export const mcpServerName = z
  .string()
  .regex(/^[a-zA-Z0-9-]{1,32}$/, 'an MCP server name is 1–32 letters, digits or "-" (no "_": it separates the server from the tool)');

/** The token budget of `sampling: true`: a few short completions per session. */
export const defaultSamplingTokens = 4000;

const common = {
  /** Deadline of one call to this server's tools; default `agent.toolTimeoutMs`. */
  timeoutMs: z.number().int().positive().optional(),
  /**
   * true: every call to this server's tools waits for approval; false: none does, whatever
   * the tools' annotations say. Absent: tools annotated `destructiveHint: true` do.
   */
  needsApproval: z.boolean().optional(),
  /**
   * true: answer the server's `roots/list` with the principal's granted directories (its
   * roles' `fsRoots`). Off by default: a server such as server-filesystem takes roots in
   * place of the directories its own arguments name, so they could widen its reach (the
   * built-in admin role is granted `/`).
   */
  roots: z.boolean().optional(),
  /**
   * Off by default. On, the server may ask for completions (`sampling/createMessage`) on the
   * session's model (or `model`), up to `maxTokens` prompt + completion tokens per session.
   * `true` is the default budget.
   */
  sampling: z
    .union([
      z.literal(true).transform(() => ({ maxTokens: defaultSamplingTokens })),
      z.literal(false).transform(() => undefined),
      z.strictObject({
        /** Prompt + completion tokens this server's sampling may use in one session. */
        maxTokens: z.number().int().min(1).max(1_000_000).default(defaultSamplingTokens),
        /** Another model of the configured endpoint; default the session's. */
        model: z.string().min(1).max(200).optional(),
      }),
    ])
    .optional(),
  /**
   * false: do not declare elicitation, so the server never asks a person for values. On by
   * default: a request reaches a person only through a front end that can ask one (a
   * terminal, the web page, the service's route), who may decline; without one it is refused.
   */
  elicitation: z.boolean().optional(),
};

/** A local server, started as a child process with a scrubbed environment. */
export const mcpStdioServerSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /**
   * The only variables the server sees beside PATH, HOME and a few like them; values may
   * name host variables (`${env:GITHUB_TOKEN}`), so secrets stay out of the file.
   */
  env: z.record(z.string(), z.string()).default({}),
  /** Working directory; relative to the config file's folder. */
  cwd: z.string().min(1).optional(),
  ...common,
});

/**
 * OAuth 2.1 for a remote server (authorization code with PKCE; the endpoints are discovered
 * from the server). Without `clientId` agentbox registers itself dynamically, when the
 * authorization server offers it. `agentbox mcp login <server>` does the one-time consent.
 */
export const mcpOAuthSchema = z
  .strictObject({
    type: z.literal('oauth'),
    /** A client registered with the authorization server beforehand (redirect URI `http://127.0.0.1/callback`, any port). */
    clientId: z.string().min(1).optional(),
    /** That client's secret; name a host variable (`${env:GITHUB_CLIENT_SECRET}`) to keep it out of the file. */
    clientSecret: z.string().min(1).optional(),
    /** Scopes to ask for; absent, those the server advertises. */
    scopes: z.array(z.string().min(1)).optional(),
  })
  .refine((auth) => auth.clientSecret === undefined || auth.clientId !== undefined, {
    message: 'clientSecret needs the clientId it belongs to',
    path: ['clientSecret'],
  });

/** A remote server over Streamable HTTP, falling back to the legacy HTTP+SSE transport. */
export const mcpHttpServerSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Sent with every request; values may name host variables (`Bearer ${env:TOKEN}`). */
  headers: z.record(z.string(), z.string()).default({}),
  /** How to sign in to the server beyond static headers. */
  auth: mcpOAuthSchema.optional(),
  ...common,
});

export const mcpServerSchema = z.union([mcpStdioServerSchema, mcpHttpServerSchema]);

export const mcpConfigSchema = z
  .strictObject({
    servers: z.record(mcpServerName, mcpServerSchema).default({}),
  })
  .prefault({});

export type McpStdioServerConfig = z.output<typeof mcpStdioServerSchema>;
export type McpHttpServerConfig = z.output<typeof mcpHttpServerSchema>;
export type McpOAuthConfig = z.output<typeof mcpOAuthSchema>;
export type McpServerConfig = z.output<typeof mcpServerSchema>;
export type McpConfig = z.output<typeof mcpConfigSchema>;
