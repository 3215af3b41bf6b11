import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { McpStdioServerConfig } from '../../config/mcp-config-schema.js';
import { expandEnvReferences } from '../../mcp/expand-env-references.js';

/** How much of a server's stderr is kept for error messages: its last words, not its log. */
const keptStderrChars = 2000;

export interface StdioTransportFactory {
  /** A new transport (one child process) per connection attempt. */
  transports: () => [StdioClientTransport];
  /** The tail of the last process's stderr. */
  lastWords: () => string;
}

/**
 * Starts a stdio MCP server with a scrubbed environment: the SDK's short list of safe
 * variables (PATH, HOME, USER, SHELL, TERM, LOGNAME) plus what the entry lists, never the
 * rest of ours — an agent's host holds LLM and cloud keys a third-party server must not
 * read. `${env:NAME}` in an entry's values is read from `hostEnv` when the server starts.
 *
 * @example
 * const { transports } = stdioTransports('fs', { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'], env: {} });
 */
export function stdioTransports(
  name: string,
  entry: Pick<McpStdioServerConfig, 'command' | 'args' | 'env' | 'cwd'>,
  hostEnv: Readonly<Record<string, string | undefined>> = process.env,
): StdioTransportFactory {
  let stderr = '';
  // Checked now, so a missing variable fails startup naming it instead of every restart.
  expandEnvReferences(entry.env, hostEnv, `tools.mcp.servers.${name}.env`);
  const transports = (): [StdioClientTransport] => {
    const env = { ...getDefaultEnvironment(), ...expandEnvReferences(entry.env, hostEnv, `tools.mcp.servers.${name}.env`) };
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env,
      ...(entry.cwd ? { cwd: entry.cwd } : {}),
      // Piped, not inherited: a server's log must not interleave with the CLI's answer.
      stderr: 'pipe',
    });
    stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-keptStderrChars);
    });
    return [transport];
  };
  return { transports, lastWords: () => stderr };
}
