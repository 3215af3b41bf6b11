import type { McpServerConfig } from '../config/mcp-config-schema.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { WorkflowMcpRequest } from '../workflow/workflow-host.js';

/**
 * The configured MCP server a `call: mcp` transport names: stdio by the same command and
 * arguments, HTTP by the same URL. Anything else is refused — a workflow file must not make
 * agentbox start a process or reach a server its configuration does not list.
 */
export function configuredMcpServer(transport: WorkflowMcpRequest['transport'], servers: Record<string, McpServerConfig>): string {
  const stdio = transport.stdio;
  const endpoint = transport.http?.endpoint;
  const url = typeof endpoint === 'string' ? endpoint : (endpoint as { uri?: unknown } | undefined)?.uri;
  for (const [name, server] of Object.entries(servers)) {
    if (stdio && 'command' in server && stdio.command === server.command && sameArgs(stdio.arguments, server.args)) return name;
    if (typeof url === 'string' && 'url' in server && sameUrl(url, server.url)) return name;
  }
  const named = stdio
    ? `the command ${JSON.stringify([stdio.command, ...(Array.isArray(stdio.arguments) ? stdio.arguments : [])].join(' '))}`
    : `the endpoint ${JSON.stringify(url)}`;
  throw new AgentboxError(
    'TOOL_DENIED',
    `call: mcp names ${named}, which is not a server configured under tools.mcp.servers; a workflow reaches only configured MCP servers`,
  );
}

function sameArgs(given: unknown, configured: readonly string[]): boolean {
  const list = given === undefined ? [] : given;
  return Array.isArray(list) && list.length === configured.length && list.every((a, i) => a === configured[i]);
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}
