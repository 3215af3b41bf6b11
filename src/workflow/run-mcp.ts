import type { WorkflowCallBase, WorkflowHost, WorkflowMcpRequest } from './workflow-host.js';
import { problem, WorkflowFault } from './workflow-problem.js';

/** The MCP methods `call: mcp` runs: the tools methods, and the prompts and resources methods (which only read). */
export const mcpMethods = ['tools/call', 'tools/list', 'prompts/list', 'prompts/get', 'resources/list', 'resources/read', 'resources/templates/list'] as const;

/**
 * `call: mcp`: `tools/call` (`parameters: { name, arguments }`), `tools/list`, or a prompts
 * or resources method (`prompts/get` with `{ name, arguments }`, `resources/read` with
 * `{ uri }`) on the server `transport` names, through the host. Only servers the host knows are reached (the
 * runtime's: `tools.mcp.servers`), so a tool call here is the same call a model would make:
 * RBAC as `tool:invoke:<server>_<tool>`, approvals, limits, the task's idempotency key.
 */
export async function runMcp(host: WorkflowHost, base: WorkflowCallBase, args: Record<string, unknown>): Promise<unknown> {
  const method = args.method ?? 'tools/call';
  if (!(mcpMethods as readonly unknown[]).includes(method)) {
    throw invalid(
      base.path,
      'configuration',
      `MCP method ${JSON.stringify(method)} is not supported by this version of agentbox (it runs ${mcpMethods.join(', ')})`,
    );
  }
  const transport = args.transport;
  if (transport === null || typeof transport !== 'object') throw invalid(base.path, 'validation', 'call: mcp needs with.transport (stdio or http)');
  const parameters = (args.parameters ?? {}) as Record<string, unknown>;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) throw invalid(base.path, 'validation', 'with.parameters must be an object');
  if ((method === 'tools/call' || method === 'prompts/get') && (typeof parameters.name !== 'string' || parameters.name === '')) {
    throw invalid(base.path, 'validation', `${method} needs with.parameters.name (the ${method === 'tools/call' ? 'tool' : 'prompt'})`);
  }
  if (method === 'resources/read' && (typeof parameters.uri !== 'string' || parameters.uri === '')) {
    throw invalid(base.path, 'validation', 'resources/read needs with.parameters.uri (the resource)');
  }
  if (!host.callMcp) throw invalid(base.path, 'configuration', 'this host cannot reach MCP servers');
  return host.callMcp({ ...base, method: method as WorkflowMcpRequest['method'], parameters, transport: transport as WorkflowMcpRequest['transport'] });
}

function invalid(instance: string, kind: 'validation' | 'configuration', detail: string): WorkflowFault {
  return new WorkflowFault(problem(kind, { title: 'call: mcp failed', detail, instance }));
}
