import type { McpConfig, McpServerConfig } from '../../config/mcp-config-schema.js';
import { expandEnvReferences } from '../../mcp/expand-env-references.js';
import { httpTransports } from '../../mcp/http-transports.js';
import { McpToolSource, type McpToolSourceOptions } from '../../mcp/mcp-tool-source.js';
import { stdioTransports } from './stdio-transport.js';

export interface LoadMcpOptions {
  /** `tools.requireApproval`: full tool names that wait for approval. */
  requireApproval?: readonly string[];
  hostEnv?: Readonly<Record<string, string | undefined>>;
  onWarning?: (message: string) => void;
  restart?: McpToolSourceOptions['restart'];
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
  };
  if ('command' in entry) {
    const { transports, lastWords } = stdioTransports(name, entry, hostEnv);
    return { ...common, transports, lastWords };
  }
  const url = new URL(entry.url);
  // Checked now, so a missing variable fails startup naming it instead of every reconnect.
  expandEnvReferences(entry.headers, hostEnv, `tools.mcp.servers.${name}.headers`);
  // Expanded per connection: a rotated token in the environment is picked up by a restart.
  return { ...common, transports: () => httpTransports(url, expandEnvReferences(entry.headers, hostEnv, `tools.mcp.servers.${name}.headers`)) };
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
