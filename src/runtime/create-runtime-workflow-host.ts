import { guardedFetch } from '../agent/tools/fetch/guarded-fetch.js';
import { parseFetchRequest } from '../agent/tools/fetch/parse-fetch-request.js';
import type { Authorizer } from '../auth/authorizer.js';
import { toolPermission } from '../auth/create-tool-call-authorizer.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { McpServerConfig } from '../config/mcp-config-schema.js';
import type { BaseRuntime } from './base-runtime.js';
import { configuredMcpServer } from './configured-mcp-server.js';
import type { WorkflowHost, WorkflowPrompt } from '../workflow/workflow-host.js';
import { answerCall, checkOutput, outputRequest, planOutput } from '../agent/structured-output.js';
import type { ToolCall } from '../engine/messages.js';
import { formatIssues } from '../errors/validation-issue.js';

export interface RuntimeWorkflowHostOptions {
  /**
   * `call: http | openapi`: the hosts a run started without its own list may reach (the
   * `http_fetch` grants, `tools.http.hosts`), the body cap and the deadline. Default: no host.
   */
  http?: { hosts?: readonly string[]; maxBytes?: number; timeoutMs?: number };
  /**
   * RBAC for `call: http | openapi`, as for the `http_fetch` tool: the run's principal needs
   * `tool:invoke:http_fetch`, and its roles' `capabilities.hosts` narrow the run's hosts.
   * Absent: the run's hosts apply as they are.
   */
  authorizer?: Pick<Authorizer, 'decide' | 'capabilitiesFor'>;
  /** `call: mcp`: the servers a transport may name (`tools.mcp.servers`); their tools are in the runtime's registry. */
  mcp?: { servers?: Record<string, McpServerConfig> };
}

/**
 * The workflow engine's host made of a runtime: `call: tool` goes through the runtime's tool
 * executor (argument validation, RBAC as the run's principal, approvals, limits) with the
 * task's idempotency key in the tool's context; `call: llm` is one call to the runtime's
 * model (with `prompt: { file, input }`, the file rendered by the runtime's prompt renderer);
 * `call: agent` is a full turn, recorded as its own session whose metadata links it
 * to the run and task; `call: http | openapi` goes through `http_fetch`'s guarded fetch
 * (the host checked against the run's grant on every redirect hop, the body capped).
 *
 * @example
 * const host = createRuntimeWorkflowHost(runtime, { http: { hosts: ['api.example.com'] } });
 */
export function createRuntimeWorkflowHost(
  runtime: Pick<BaseRuntime, 'invokeTool' | 'model' | 'process' | 'tools' | 'renderPrompt' | 'structuredOutputMode'> & Partial<Pick<BaseRuntime, 'toolSource'>>,
  options: RuntimeWorkflowHostOptions = {},
): WorkflowHost {
  const maxBytes = options.http?.maxBytes ?? 1024 * 1024;
  return {
    async callHttp(request) {
      const parsed = parseFetchRequest(request, { maxBytes, caller: 'call: http' });
      let hosts = request.hosts ?? options.http?.hosts ?? [];
      if (options.authorizer) {
        const decision = options.authorizer.decide(request.principal, toolPermission('http_fetch'));
        if (!decision.allowed) throw new AgentboxError('TOOL_DENIED', `permission denied: ${decision.reason}`);
        hosts = options.authorizer.capabilitiesFor(request.principal, 'http_fetch', { hosts: [...hosts] }).hosts ?? [];
      }
      const result = await guardedFetch(parsed, {
        hosts,
        maxResponseBytes: maxBytes,
        timeoutMs: options.http?.timeoutMs ?? 30_000,
        maxRedirects: 5,
        caller: 'call: http',
        signal: request.signal,
      });
      return { url: result.url, status: result.status, headers: result.headers, body: result.body };
    },
    async callMcp(request) {
      const server = configuredMcpServer(request.transport, options.mcp?.servers ?? {});
      if (request.method !== 'tools/call' && request.method !== 'tools/list') {
        // Prompts and resources only read, but they are the server's: whoever may call every
        // one of its tools (`tool:invoke:<server>_*`) may read them.
        const permission = toolPermission(`${server}_*`);
        const decision = options.authorizer?.decide(request.principal, permission);
        if (decision && !decision.allowed) throw new AgentboxError('TOOL_DENIED', `${request.method} on MCP server '${server}' needs ${permission}`);
        const source = runtime.toolSource?.(server);
        if (!source?.read) throw new AgentboxError('TOOL_FAILED', `MCP server '${server}' is not connected in this runtime`);
        return source.read(request.method, request.parameters, request.signal);
      }
      if (request.method === 'tools/list') {
        const prefix = `${server}_`;
        return {
          tools: runtime.tools
            .list()
            .filter((t) => t.name.startsWith(prefix))
            .filter((t) => options.authorizer?.decide(request.principal, toolPermission(t.name)).allowed ?? true)
            .map((t) => ({ name: t.name.slice(prefix.length), description: t.description, inputSchema: t.parameters })),
        };
      }
      return this.callTool({
        ...request,
        name: `${server}_${String(request.parameters.name)}`,
        arguments: (request.parameters.arguments ?? {}) as Record<string, unknown>,
      });
    },
    async callTool(request) {
      const result = await runtime.invokeTool({
        name: request.name,
        arguments: JSON.stringify(request.arguments),
        principal: request.principal,
        signal: request.signal,
        idempotencyKey: request.idempotencyKey,
      });
      if (result.ok) return result.value;
      // The code is the tool's own; its details are open records for every tool failure code.
      throw new AgentboxError(result.error.code as 'TOOL_FAILED', result.error.message, result.error.details ? { details: result.error.details } : {});
    },
    async callLlm(request) {
      if (request.prompt) return callLlmWithPrompt(runtime, request.prompt, request.signal);
      let content = '';
      for await (const part of runtime.model.stream({ messages: request.messages, signal: request.signal })) {
        if (part.type === 'text-delta') content += part.text;
      }
      return { content };
    },
    async callAgent(request) {
      const session = await runtime.process({
        ...(request.prompt ? { prompt: request.prompt } : { input: request.input }),
        principal: request.principal,
        signal: request.signal,
        // A workflow task has nobody watching its session: a server's form is refused, not left waiting.
        onInput: false,
        session: {
          owner: request.principal,
          ...(request.system ? { system: request.system } : {}),
          metadata: { workflowRunId: request.runId, workflowTask: request.path, idempotencyKey: request.idempotencyKey },
        },
      });
      const last = [...session.messages].reverse().find((m) => m.role === 'assistant');
      const output = session.output !== undefined ? { output: session.output } : {};
      return { content: last && 'content' in last ? String(last.content) : '', sessionId: session.id, ...output };
    },
  };
}

/**
 * `call: llm` with `prompt: { file, input }`: the file rendered by the runtime's prompt
 * renderer (input validated first), its front matter's model, temperature and output limit
 * applied, one model call; a declared output schema is asked for as the runtime asks for it
 * and the answer validated (OUTPUT_INVALID naming the paths). The output names the prompt's
 * file and hash, so the run's journal says which version produced it.
 */
async function callLlmWithPrompt(
  runtime: Pick<BaseRuntime, 'model' | 'renderPrompt' | 'structuredOutputMode'>,
  reference: WorkflowPrompt,
  signal: AbortSignal,
): Promise<{ content: string; output?: unknown; prompt: { file: string; hash: string } }> {
  const turn = await runtime.renderPrompt(reference);
  const plan = turn.output ? planOutput(turn.output, runtime.structuredOutputMode) : undefined;
  const { messages } = turn.record;
  let content = '';
  const calls: ToolCall[] = [];
  const request = {
    ...(plan ? outputRequest(plan, undefined, messages) : { messages }),
    signal,
    ...(turn.model !== undefined ? { model: turn.model } : {}),
    ...(turn.temperature !== undefined ? { temperature: turn.temperature } : {}),
    ...(turn.maxTokens !== undefined ? { maxTokens: turn.maxTokens } : {}),
  };
  for await (const part of runtime.model.stream(request)) {
    if (part.type === 'text-delta') content += part.text;
    else if (part.type === 'tool-call') calls.push(part.call);
  }
  const prompt = { file: turn.record.file, hash: turn.record.hash };
  if (!plan) return { content, prompt };
  content = answerCall(plan, calls)?.arguments ?? content;
  const checked = checkOutput(plan, content);
  if (!checked.ok) {
    throw new AgentboxError('OUTPUT_INVALID', formatIssues(checked.issues, { heading: "the answer does not match the prompt's output schema" }), {
      details: { issues: checked.issues },
    });
  }
  return { content, output: checked.value, prompt };
}
