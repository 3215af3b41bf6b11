import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { McpConfig, McpOAuthConfig, McpServerConfig } from '../../config/mcp-config-schema.js';
import { expandEnvReferences } from '../../mcp/expand-env-references.js';
import { httpTransports } from '../../mcp/http-transports.js';
import { McpToolSource, type McpRoot, type McpToolSourceOptions } from '../../mcp/mcp-tool-source.js';
import { McpOAuthProvider } from '../../mcp/oauth/mcp-oauth-provider.js';
import type { McpTokenStore } from '../../mcp/oauth/mcp-token-store.js';
import { defaultMcpTokenPath, FileMcpTokenStore } from './file-mcp-token-store.js';
import { stdioTransports } from './stdio-transport.js';

export interface LoadMcpOptions {
  /** `tools.requireApproval`: full tool names that wait for approval. */
  requireApproval?: readonly string[];
  hostEnv?: Readonly<Record<string, string | undefined>>;
  onWarning?: (message: string) => void;
  restart?: McpToolSourceOptions['restart'];
  /** Whose OAuth grants the connections use (`auth: { type: 'oauth' }` servers); default `cli`. */
  principal?: string;
  /** The principal `agentbox mcp login` assumes, for the advice in a login-required error. */
  defaultPrincipal?: string;
  /** Where OAuth grants are kept; default the 0600 file beside the session database. */
  tokenStore?: McpTokenStore;
  /** The directories `principal` is granted (its roles' `fsRoots`): what `roots/list` answers for a server with `roots: true`. Absent: no roots capability. */
  roots?: readonly string[];
}

/** The source options for one configured server: its transports and its approval and time rules. */
export function mcpSourceOptions(name: string, entry: McpServerConfig, options: LoadMcpOptions = {}): McpToolSourceOptions {
  const hostEnv = options.hostEnv ?? process.env;
  const common = {
    name,
    ...(entry.timeoutMs !== undefined ? { timeoutMs: entry.timeoutMs } : {}),
    ...(entry.needsApproval !== undefined ? { needsApproval: entry.needsApproval } : {}),
    ...(options.requireApproval ? { requireApproval: options.requireApproval } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.restart ? { restart: options.restart } : {}),
    ...(options.roots && entry.roots === true ? { roots: rootsOf(options.roots) } : {}),
    ...(entry.sampling ? { sampling: entry.sampling } : {}),
    ...(entry.elicitation === false ? { elicitation: false } : {}),
  };
  if ('command' in entry) {
    const { transports, lastWords } = stdioTransports(name, entry, hostEnv);
    return { ...common, transports, lastWords };
  }
  const url = new URL(entry.url);
  // Checked now, so a missing variable fails startup naming it instead of every reconnect.
  expandEnvReferences(entry.headers, hostEnv, `tools.mcp.servers.${name}.headers`);
  const headers = () => expandEnvReferences(entry.headers, hostEnv, `tools.mcp.servers.${name}.headers`);
  const oauth = entry.auth ? expandOAuth(name, entry.auth, hostEnv) : undefined;
  if (!oauth) {
    // Expanded per connection: a rotated token in the environment is picked up by a restart.
    return { ...common, transports: () => httpTransports(url, headers()) };
  }
  const store = options.tokenStore ?? new FileMcpTokenStore(defaultMcpTokenPath(hostEnv));
  const principal = options.principal ?? options.defaultPrincipal ?? 'cli';
  return {
    ...common,
    transports: async () => {
      // Read afresh per connection: a login made since the last attempt is used.
      const provider = await McpOAuthProvider.open({
        key: { server: name, principal },
        url,
        store,
        ...oauth,
        ...(options.defaultPrincipal ? { defaultPrincipal: options.defaultPrincipal } : {}),
      });
      provider.requireGrant();
      return httpTransports(url, headers(), provider);
    },
  };
}

/** Directories as MCP roots: `file://` URIs, named by their last component. */
function rootsOf(directories: readonly string[]): () => McpRoot[] {
  const roots = directories.map((dir) => ({ uri: pathToFileURL(resolve(dir)).href, name: basename(resolve(dir)) || resolve(dir) }));
  return () => roots;
}

/** The OAuth entry with its client secret read from the environment (`${env:NAME}`). */
export function expandOAuth(name: string, oauth: McpOAuthConfig, hostEnv: Readonly<Record<string, string | undefined>>): McpOAuthConfig {
  if (oauth.clientSecret === undefined) return oauth;
  const { clientSecret } = expandEnvReferences({ clientSecret: oauth.clientSecret }, hostEnv, `tools.mcp.servers.${name}.auth`);
  return { ...oauth, ...(clientSecret !== undefined ? { clientSecret } : {}) };
}

/**
 * Connects every configured MCP server at once. One that cannot be reached does not stop
 * the others or the runtime: it is reported, and retried with backoff until it answers,
 * its tools joining the registry then.
 */
export async function loadMcpToolSources(config: McpConfig, options: LoadMcpOptions = {}): Promise<McpToolSource[]> {
  const entries = Object.entries(config.servers);
  const settled = await Promise.all(
    entries.map(async ([name, entry]) => {
      const source = McpToolSource.create(mcpSourceOptions(name, entry, options));
      await source.start().catch((error: unknown) => options.onWarning?.((error as Error).message));
      return source;
    }),
  );
  return settled;
}
