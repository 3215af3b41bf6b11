import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Tool, ToolResult } from '../agent/tools/tool.js';
import type { ToolRegistry } from '../agent/tools/tool-registry.js';
import type { EventPayload } from '../engine/events.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';
import type { ToolCallRequest, ToolCallSession } from '../runtime/tool-call-session.js';
import type { AgentAnswer, McpAgentTools } from './mcp-agent-tools.js';
import { clientAsker } from './forward-elicitation.js';

/** The key of a call result's `_meta` that names the session recording the MCP session's calls. */
export const MCP_SESSION_META_KEY = 'agentbox/sessionId';

export interface CreateMcpServerOptions {
  /**
   * The runtime whose tools are served: calls go through its executor (validation, RBAC,
   * approval, limits) and are recorded in one of its sessions (owned by `principal`).
   */
  runtime: Pick<BaseRuntime, 'openToolSession'> & { tools: ToolRegistry };
  /** Who the MCP client acts as: its grants decide what it sees and may call. */
  principal: string;
  /** Whether `principal` may call a tool; tools it may not are left out of `tools/list`. */
  mayInvoke: (principal: string, tool: string) => boolean;
  /** Decides approval-gated calls; absent, they are refused (nobody can be asked over stdio). */
  onApproval?: ToolCallRequest['onApproval'];
  /** Recorded in the session's metadata beside the client's name (`transport`, the MCP session id). */
  metadata?: Record<string, unknown>;
  name?: string;
  version?: string;
  /** The agents served as `ask_<name>` tools (config `server.mcp.agents`); absent: none. */
  agents?: McpAgentTools;
}

/**
 * agentbox as an MCP server: the runtime's tools (built-in, WASM, script, file, HTTP and
 * tools proxied from other MCP servers), each call under the principal's grants exactly as
 * when a model makes it. On the SDK's low-level `Server`, because our tools carry JSON
 * Schemas, not the zod shapes `McpServer.registerTool` takes. Portable: the caller connects
 * the transport. The calls of one connection are recorded in one session (created on the
 * first call; its id is in each result's `_meta`), like the calls of a turn.
 *
 * @example
 * const server = createMcpServer({ runtime, principal: 'cli', mayInvoke: (p, t) => authorizer.decide(p, toolPermission(t)).allowed });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: CreateMcpServerOptions): Server {
  const { runtime, principal, mayInvoke } = options;
  const server = new Server({ name: options.name ?? 'agentbox', version: options.version ?? '0.1.0' }, { capabilities: { tools: { listChanged: true } } });
  const { agents } = options;
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      ...(agents?.list(principal) ?? []),
      // An ask tool's name wins over a registry tool's: the config asked for it by that name.
      ...runtime.tools
        .list()
        .filter((tool) => mayInvoke(principal, tool.name) && !agents?.has(tool.name))
        .map(
          (tool): McpTool => ({
            name: tool.name,
            description: tool.description,
            inputSchema: { type: 'object', ...tool.parameters },
            ...annotationsOf(tool),
          }),
        ),
    ],
  }));
  // The registry changes when an MCP source's tools do: tell the client to list again.
  const unsubscribe = runtime.tools.onChange(() => void server.sendToolListChanged().catch(() => undefined));
  const previousOnClose = server.onclose;
  server.onclose = () => {
    unsubscribe();
    previousOnClose?.();
  };
  let calls: ToolCallSession | undefined;
  const clientInfo = (): Record<string, unknown> => {
    const client = server.getClientVersion();
    return client ? { client: { name: client.name, version: client.version } } : {};
  };
  const askExecutor = agents?.executor({
    metadata: () => ({ ...options.metadata, ...clientInfo() }),
    ...(options.onApproval ? { onApproval: options.onApproval } : {}),
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    calls ??= runtime.openToolSession({ owner: principal, metadata: { source: 'mcp', ...options.metadata, ...clientInfo() } });
    const progressToken = request.params._meta?.progressToken;
    // An ask tool runs on its own executor, recorded in the same log as the other calls.
    const ask = askExecutor && agents?.has(request.params.name) ? askExecutor : undefined;
    // A proxied server's form goes on to this client, if it can show one.
    const onInput = ask ? undefined : clientAsker(server, (message, schema, sendOptions) => extra.sendRequest(message, schema, sendOptions));
    const result = await calls.invoke({
      ...(ask ? { executor: ask } : {}),
      name: request.params.name,
      arguments: JSON.stringify(request.params.arguments ?? {}),
      signal: extra.signal,
      ...(options.onApproval ? { onApproval: options.onApproval } : {}),
      ...(onInput ? { onInput } : {}),
      // A tool's progress (a proxied MCP server's, say) reaches a client that asked for it.
      ...(progressToken !== undefined
        ? {
            onEvent: (event: EventPayload) => {
              if (event.type !== 'tool.progress') return;
              const { progress, total, message } = event;
              const params = { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) };
              extra.sendNotification({ method: 'notifications/progress', params }).catch(() => undefined);
            },
          }
        : {}),
    });
    const sessionId = calls.sessionId;
    return { ...(ask ? toAskResult(result) : toCallToolResult(result)), ...(sessionId ? { _meta: { [MCP_SESSION_META_KEY]: sessionId } } : {}) };
  });
  return server;
}

/** A failure is `isError` with the same JSON text a model reads, so a client sees the code. */
function toCallToolResult(result: ToolResult): CallToolResult {
  if (!result.ok) return { isError: true, content: [{ type: 'text', text: result.output }] };
  const { value } = result;
  const structured = typeof value === 'object' && value !== null && !Array.isArray(value) ? { structuredContent: value as Record<string, unknown> } : {};
  return { content: [{ type: 'text', text: result.output }], ...structured };
}

/** An ask tool's answer: its text as the content, `{ text, sessionId, output? }` as the structured content its outputSchema declares. */
function toAskResult(result: ToolResult): CallToolResult {
  if (!result.ok) return toCallToolResult(result);
  const answer = result.value as AgentAnswer;
  return { content: [{ type: 'text', text: answer.text }], structuredContent: { ...answer } };
}

/** The tool's own hints (an MCP server's, passed on), and destructiveHint where a call needs approval. */
function annotationsOf(tool: Tool): { annotations?: McpTool['annotations'] } {
  const annotations = { ...tool.annotations, ...(tool.needsApproval ? { destructiveHint: true, readOnlyHint: false } : {}) };
  return Object.keys(annotations).length > 0 ? { annotations } : {};
}
