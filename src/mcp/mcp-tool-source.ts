import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { SourceReadMethod } from '../agent/tools/tool-source.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  CreateMessageRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  McpError,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { AnyTool, JsonSchema, Tool, ToolAnnotations, ToolContext, ToolProgress } from '../agent/tools/tool.js';
import type { ToolSource } from '../agent/tools/tool-source.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import { mcpContentText, mcpResultValue } from './mcp-call-result.js';
import { answerSampling, type McpSamplingOptions } from './mcp-sampling.js';

export interface McpToolSourceOptions {
  /** The configured server name: tools are registered as `<name>_<tool>`. */
  name: string;
  /**
   * Fresh transports for one connection attempt, tried in order until one connects
   * (Streamable HTTP, then the legacy SSE transport). Called again for every restart.
   */
  transports: () => Transport[] | Promise<Transport[]>;
  /** Deadline of one call; absent, the executor's default applies. */
  timeoutMs?: number;
  /** See `tools.mcp.servers.*.needsApproval`: true all, false none, absent by `destructiveHint`. */
  needsApproval?: boolean;
  /** Full tool names (`tools.requireApproval`) that need approval whatever the above says. */
  requireApproval?: readonly string[];
  /** Restart backoff after the server goes away: doubling from `initialDelayMs` up to `maxDelayMs`. */
  restart?: { initialDelayMs?: number; maxDelayMs?: number };
  /** What the server last said before it went away (a stdio server's stderr), for error messages. */
  lastWords?: () => string;
  /** Warnings: a restart, a tool that could not be registered. */
  onWarning?: (message: string) => void;
  /**
   * The directories to answer `roots/list` with (the principal's granted `fsRoots`, as
   * `file://` URIs); absent, no roots capability is declared and a server learns of none.
   */
  roots?: () => McpRoot[];
  /**
   * Config `sampling`: the server may ask for completions on the session's model (the call's
   * `ToolContext.sample`) under this budget. Absent, no sampling capability is declared.
   */
  sampling?: McpSamplingOptions;
  /**
   * Declare elicitation, form and URL mode (default true): a server may then ask the person
   * behind the call for values (or to visit a page), answered only when a front end that can
   * ask one is attached (`ToolContext.elicit`), refused with a clear error otherwise.
   * False: not declared.
   */
  elicitation?: boolean;
}

export interface McpRoot {
  uri: string;
  name?: string;
}

/** The SDK's own default is 60 s; the executor's deadline governs instead, through the signal. */
const noSdkTimeout = 2_147_483_647;
/** A connection that lived this long was healthy: its loss starts the backoff afresh. */
const healthyMs = 30_000;

/**
 * One MCP server as a tool source, on the official SDK's `Client`: its tools become
 * agentbox tools (validated, authorized and limited by the executor like any other), its
 * `tools/list_changed` notifications refresh them, and a server that goes away is
 * reconnected with backoff. Portable: the transports are the caller's (stdio is Node's).
 *
 * @example
 * const source = await McpToolSource.connect({ name: 'docs', transports: () => httpTransports(new URL('https://example.com/mcp')) });
 * const runtime = new BaseRuntime({ store, model, toolSources: [source] });
 */
export class McpToolSource implements ToolSource {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private listed: McpTool[] = [];
  private current: AnyTool[] = [];
  private readonly listeners = new Set<(tools: readonly AnyTool[]) => void>();
  private closed = false;
  private failures = 0;
  private connectedAt = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** The calls under way, so a server-to-client request (sampling, elicitation) finds the call it belongs to. */
  private readonly calling = new Set<ToolContext>();

  private constructor(private readonly options: McpToolSourceOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Connects and lists the tools; rejects (TOOL_FAILED) when no transport connects. */
  static async connect(options: McpToolSourceOptions): Promise<McpToolSource> {
    const source = McpToolSource.create(options);
    try {
      await source.start();
    } catch (error) {
      await source.close();
      throw error;
    }
    return source;
  }

  /** A source not yet connected: `start()` connects, and a failed start keeps retrying with backoff. */
  static create(options: McpToolSourceOptions): McpToolSource {
    return new McpToolSource(options);
  }

  /** Connects (or waits for the connection under way) and lists the tools. */
  async start(): Promise<void> {
    await this.ready();
  }

  tools(): readonly AnyTool[] {
    return this.current;
  }

  /** The server's tools as it describes them (annotations, output schemas), for `agentbox mcp list`. */
  get serverTools(): readonly McpTool[] {
    return this.listed;
  }

  onChange(listener: (tools: readonly AnyTool[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls a tool by its server-side name; `signal` ends it and tells the server (`notifications/cancelled`). */
  async call(tool: string, args: Record<string, unknown>, signal?: AbortSignal, onProgress?: (progress: ToolProgress) => void): Promise<CallToolResult> {
    const client = await this.ready(signal);
    try {
      const options = {
        timeout: noSdkTimeout,
        ...(signal ? { signal } : {}),
        // A progress token is sent only when someone listens: the server then reports.
        ...(onProgress ? { onprogress: (p: { progress: number; total?: number; message?: string }) => onProgress(progressOf(p)) } : {}),
      };
      return (await client.callTool({ name: tool, arguments: args }, undefined, options)) as CallToolResult;
    } catch (error) {
      throw this.callError(tool, error, signal);
    }
  }

  /** `prompts/*` and `resources/*` on the server, answered as it answers them (a `call: mcp` of a workflow). */
  async read(method: SourceReadMethod, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const client = await this.ready(signal);
    const options = { timeout: noSdkTimeout, ...(signal ? { signal } : {}) };
    try {
      switch (method) {
        case 'prompts/list':
          return await client.listPrompts(params, options);
        case 'prompts/get':
          return await client.getPrompt(params as { name: string; arguments?: Record<string, string> }, options);
        case 'resources/list':
          return await client.listResources(params, options);
        case 'resources/read':
          return await client.readResource(params as { uri: string }, options);
        case 'resources/templates/list':
          return await client.listResourceTemplates(params, options);
      }
    } catch (error) {
      throw this.callError(method, error, signal);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  /** The connected client: the live one, the reconnect under way, or a new attempt. */
  private async ready(signal?: AbortSignal): Promise<Client> {
    if (this.closed) throw new AgentboxError('TOOL_FAILED', `MCP server '${this.name}' is closed`);
    if (this.client) return this.client;
    clearTimeout(this.restartTimer);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    if (!signal) return this.connecting;
    if (signal.aborted) throw abortReason(signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.connecting, aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  private async open(): Promise<Client> {
    const problems: string[] = [];
    let transports: Transport[];
    try {
      transports = await this.options.transports();
    } catch (error) {
      // No login yet: retried with backoff, so a login made meanwhile is picked up.
      this.scheduleRestart();
      throw error;
    }
    for (const transport of transports) {
      const { roots, sampling } = this.options;
      const elicits = this.options.elicitation !== false;
      const client = new Client(
        { name: 'agentbox', version: '0.1.0' },
        // Roots and sampling only as configured: a server gets nothing from us it was not given. Elicitation asks a person, who decides.
        {
          capabilities: {
            ...(roots ? { roots: {} } : {}),
            ...(sampling ? { sampling: {} } : {}),
            ...(elicits ? { elicitation: { form: {}, url: {} } } : {}),
          },
          listChanged: { tools: { autoRefresh: false, debounceMs: 20, onChanged: () => void this.refresh(client) } },
        },
      );
      if (roots) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: roots() }));
      if (sampling) {
        client.setRequestHandler(CreateMessageRequestSchema, (request, extra) =>
          answerSampling(this.name, sampling, this.askingCall('sampling/createMessage'), request.params, extra.signal),
        );
      }
      if (elicits) client.setRequestHandler(ElicitRequestSchema, (request, extra) => this.elicit(request.params, extra.signal));
      client.fallbackRequestHandler = async (request) => {
        throw refusal(this.name, request.method);
      };
      try {
        await client.connect(transport);
        this.listed = await listAllTools(client);
      } catch (error) {
        await client.close().catch(() => undefined);
        if (AgentboxError.isInstance(error, 'MCP_LOGIN_REQUIRED')) {
          // The other transport would be refused the same way: say what to do, once.
          this.scheduleRestart();
          throw error;
        }
        problems.push((error as Error).message);
        continue;
      }
      if (this.closed) {
        await client.close().catch(() => undefined);
        throw new AgentboxError('TOOL_FAILED', `MCP server '${this.name}' is closed`);
      }
      client.onclose = () => this.lost(client);
      this.client = client;
      this.connectedAt = Date.now();
      this.publish();
      return client;
    }
    const error = new AgentboxError('TOOL_FAILED', `cannot connect to MCP server '${this.name}': ${problems.join('; ')}${this.lastWords()}`);
    this.scheduleRestart();
    throw error;
  }

  private lost(client: Client): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    if (Date.now() - this.connectedAt > healthyMs) this.failures = 0;
    this.options.onWarning?.(`MCP server '${this.name}' went away${this.lastWords()}; restarting it`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closed || this.restartTimer !== undefined) return;
    const { initialDelayMs = 250, maxDelayMs = 30_000 } = this.options.restart ?? {};
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.failures);
    this.failures += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.ready().catch(() => undefined);
    }, delay);
    // A restart pending must not keep a CLI process alive.
    (this.restartTimer as { unref?: () => void }).unref?.();
  }

  private async refresh(client: Client): Promise<void> {
    if (this.client !== client) return;
    try {
      this.listed = await listAllTools(client);
      this.publish();
    } catch (error) {
      this.options.onWarning?.(`MCP server '${this.name}': refreshing its tools failed: ${(error as Error).message}`);
    }
  }

  private publish(): void {
    this.current = this.listed.map((tool) => this.toTool(tool));
    for (const listener of this.listeners) listener(this.current);
  }

  private toTool(tool: McpTool): Tool {
    const name = `${this.name}_${tool.name.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
    const { $schema: _dialect, ...parameters } = tool.inputSchema as JsonSchema;
    // Annotations are the server's hints, not promises: they only choose a default.
    const destructive = tool.annotations?.destructiveHint === true && tool.annotations.readOnlyHint !== true;
    const needsApproval = (this.options.requireApproval ?? []).includes(name) || (this.options.needsApproval ?? destructive);
    const converted: Tool = {
      name,
      description: tool.description ?? tool.title ?? `${tool.name} (MCP server ${this.name})`,
      parameters,
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      cpuTime: 'elsewhere',
      ...(needsApproval ? { needsApproval: true } : {}),
      ...(tool.annotations ? { annotations: hints(tool.annotations) } : {}),
      execute: async (args, context) => {
        this.calling.add(context);
        let result: CallToolResult;
        try {
          result = await this.call(tool.name, args, context.signal, context.reportProgress);
        } finally {
          this.calling.delete(context);
        }
        if (result.isError) throw new AgentboxError('TOOL_FAILED', mcpContentText(result.content) || `${name} reported an error`);
        return mcpResultValue(result);
      },
    };
    return converted;
  }

  /**
   * The call a server's request (`sampling/createMessage`, `elicitation/create`) belongs to.
   * MCP does not say which of our requests a server request serves, so it is the session
   * whose calls are under way; with calls of several sessions running on this server at
   * once nobody can tell, and the request is refused rather than answered for the wrong one.
   */
  protected askingCall(method: string): ToolContext {
    const sessions = new Set([...this.calling].map((c) => c.sessionId));
    const [first] = this.calling;
    if (!first) throw new McpError(ErrorCode.InvalidRequest, `agentbox refuses ${method} from MCP server '${this.name}': no call to it is under way`);
    if (sessions.size > 1) {
      throw new McpError(
        ErrorCode.InvalidRequest,
        `agentbox refuses ${method} from MCP server '${this.name}': calls of ${sessions.size} sessions are under way and MCP does not say which one asked`,
      );
    }
    return first;
  }

  /** A server's form, put to the person behind the call under way (see `askingCall`) through its front end. */
  private async elicit(params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult> {
    const context = this.askingCall('elicitation/create');
    if (!context.elicit) throw refusal(this.name, 'elicitation/create');
    // URL mode: an empty form beside the page to open; the answer carries no content.
    const url = params.mode === 'url' && 'url' in params ? params.url : undefined;
    const requestedSchema = 'requestedSchema' in params ? params.requestedSchema : { type: 'object', properties: {} };
    try {
      const { action, content } = await context.elicit({ message: params.message, requestedSchema, server: this.name, signal, ...(url ? { url } : {}) });
      return { action, ...(content && url === undefined ? { content } : {}) };
    } catch (error) {
      if (!AgentboxError.isInstance(error, 'INVALID_INPUT')) throw error;
      throw new McpError(ErrorCode.InvalidParams, `agentbox refuses elicitation from MCP server '${this.name}': ${error.message}`);
    }
  }

  private callError(tool: string, error: unknown, signal: AbortSignal | undefined): AgentboxError {
    if (signal?.aborted) return abortReason(signal);
    if (AgentboxError.isInstance(error)) return error;
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      return new AgentboxError('TOOL_FAILED', `MCP server '${this.name}' went away during the call to ${tool}${this.lastWords()}; it is being restarted`);
    }
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      return new AgentboxError('TOOL_TIMEOUT', `MCP server '${this.name}' did not answer ${tool} in time`);
    }
    return new AgentboxError('TOOL_FAILED', `MCP server '${this.name}', tool ${tool}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }

  private lastWords(): string {
    const words = this.options.lastWords?.().trim();
    return words ? ` (it said: ${words.slice(-500)})` : '';
  }
}

async function listAllTools(client: Client): Promise<McpTool[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const tools: McpTool[] = [];
  let cursor: string | undefined;
  // Bounded: a server that hands back cursors forever must not hang startup.
  for (let page = 0; page < 100; page += 1) {
    const result = await client.listTools(cursor ? { cursor } : {});
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

function abortReason(signal: AbortSignal): AgentboxError {
  return AgentboxError.isInstance(signal.reason) ? signal.reason : new AgentboxError('CANCELLED', 'the call was cancelled');
}

/** The annotations as the server gave them, only the known keys of the right type (a server's JSON is not trusted). */
function hints(annotations: NonNullable<McpTool['annotations']>): ToolAnnotations {
  const out: ToolAnnotations = {};
  if (typeof annotations.title === 'string') out.title = annotations.title;
  for (const key of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
    if (typeof annotations[key] === 'boolean') out[key] = annotations[key];
  }
  return out;
}

function progressOf(p: { progress: number; total?: number; message?: string }): ToolProgress {
  return { progress: p.progress, ...(p.total !== undefined ? { total: p.total } : {}), ...(typeof p.message === 'string' ? { message: p.message } : {}) };
}

/**
 * A server's request agentbox does not serve, refused with a reason a person can act on
 * (the SDK's own answer would be a bare "Method not found"): sampling is off, nobody can
 * be asked for elicitation, and nothing else is offered.
 */
function refusal(server: string, method: string): McpError {
  if (method === 'sampling/createMessage') {
    return new McpError(
      ErrorCode.InvalidRequest,
      `agentbox refuses sampling from MCP server '${server}': sampling is off for it (tools.mcp.servers.${server}.sampling turns it on)`,
    );
  }
  if (method === 'elicitation/create') {
    return new McpError(
      ErrorCode.InvalidRequest,
      `agentbox refuses elicitation from MCP server '${server}': no front end that can ask a person is attached, so the request cannot be answered`,
    );
  }
  return new McpError(ErrorCode.MethodNotFound, `agentbox does not serve ${method} to MCP server '${server}'`);
}
