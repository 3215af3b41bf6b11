import { z } from 'zod';

/**
 * The `server` section of the config: where `agentbox serve` listens, who may call it,
 * and the limits every request is held to. Every key has a default, so `agentbox serve`
 * works with no config at all — in local mode (no API keys: loopback only).
 *
 * API keys are never written in config: only their SHA-256, so a leaked config file does
 * not leak a key. `agentbox serve hash-key <key>` prints the hash to paste here.
 */
export const apiKeyConfigSchema = z.strictObject({
  /** Hex SHA-256 of the key (64 hex digits). */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of a SHA-256 (run `agentbox serve hash-key <key>`)')
    .transform((hex) => hex.toLowerCase()),
  /** The principal the key acts as; its roles come from `auth.principals`. */
  principal: z.string().min(1),
});

/** `agent` (the configured agent) or a stored prompt's name: it makes the tool name `ask_<name>` and the permission `agent:ask:<name>`. */
const agentNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/, 'an agent name: `agent`, or a stored prompt in the prompt folder (letters, digits, _ and -)');

export const serverConfigSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8787),
    /** Empty: local mode — every request is principal `local`, and only a loopback host is allowed. */
    apiKeys: z.array(apiKeyConfigSchema).default([]),
    rateLimit: z
      .strictObject({
        /** Per API key (token bucket: this many per minute, bursts up to the same number). */
        requestsPerMinute: z.number().int().positive().default(120),
      })
      .prefault({}),
    /** Largest request body accepted, in bytes (default 1 MiB). */
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Browser origins allowed to call the API (CORS); absent: same origin only. */
    corsOrigins: z.array(z.string().min(1)).optional(),
    /**
     * `Host` names the service answers to besides `localhost`, `127.0.0.1`, `[::1]` and
     * `host` (each at its port): `name` for any port, `name:port` for one. Any other Host
     * is refused (403 HOST_NOT_ALLOWED), so a DNS-rebound page cannot reach the service.
     */
    allowedHosts: z
      .array(
        z
          .string()
          .regex(
            /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?$/,
            'a host name or address, optionally with :port (e.g. agentbox.internal or agentbox.internal:8443)',
          ),
      )
      .default([]),
    /** `/mcp`: how long an MCP session lives unused, and what each keeps for clients that reconnect. */
    mcp: z
      .strictObject({
        /** An MCP session with no request and no open stream for this long is closed (default 30 min). */
        sessionIdleMs: z
          .number()
          .int()
          .positive()
          .default(30 * 60_000),
        /** Messages kept per MCP session for a client resuming a stream with Last-Event-ID (default 1000). */
        replayEvents: z.number().int().positive().default(1000),
        /** Bytes of messages kept per MCP session for resuming (default 1 MiB). */
        replayBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        /**
         * Agents served as MCP tools (`ask_<name>`), on `/mcp` and `agentbox mcp serve` alike;
         * default none. `agent` is the configured agent (`agent.system`, all its tools); any
         * other name is a stored prompt in the prompt folder (`prompts.dir`), its file giving
         * model, system prompt and tools, rendered with `{ message }` as its input.
         */
        agents: z
          .array(
            z.union([
              agentNameSchema,
              z.strictObject({
                name: agentNameSchema,
                /** What the MCP client (and its model) is told the agent is for. */
                description: z.string().min(1).max(2000).optional(),
              }),
            ]),
          )
          .transform((entries) => entries.map((entry) => (typeof entry === 'string' ? { name: entry } : entry)))
          .refine((agents) => new Set(agents.map((a) => a.name)).size === agents.length, 'each agent is listed once')
          .default([]),
      })
      .prefault({}),
  })
  .prefault({});

export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;
