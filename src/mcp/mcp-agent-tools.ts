import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AnyTool, ToolContext } from '../agent/tools/tool.js';
import { ToolExecutor, type ApprovalDecision, type ApprovalRequest, type ToolAuthDecision } from '../agent/tools/tool-executor.js';
import { ToolRegistry } from '../agent/tools/tool-registry.js';
import type { AuthDecision } from '../auth/authorizer.js';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { Session } from '../engine/session.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';
import { agentProgress } from './agent-progress.js';

/** An agent served as `ask_<name>`: `agent` is the configured one, any other name a stored prompt. */
export interface McpAgent {
  name: string;
  description?: string;
}

/** The configured agent's name; every other is a stored prompt's. */
export const CONFIGURED_AGENT = 'agent';

export interface McpAgentToolsOptions {
  agents: readonly McpAgent[];
  /** Runs the turns: its model, tools, RBAC and store (the one `/v1/sessions` uses, so a turn is busy and cancellable there too). */
  runtime: Pick<BaseRuntime, 'process' | 'createSession' | 'stream' | 'getSession' | 'deleteSession'>;
  /** The principal's roles on a permission (`agent:ask:<name>`, `session:write:own`). */
  decide: (principal: string, permission: string) => AuthDecision;
  /**
   * Resolves if the principal may run a turn in the session, by the service's session rules
   * (`accessSession(…, 'write')`); throws SESSION_NOT_FOUND (another principal's session
   * looks missing: ids cannot be probed) or FORBIDDEN.
   */
  writableSession: (principal: string, sessionId: string) => Promise<unknown>;
  /** Runs a turn under the caller's bookkeeping (the service's turn tracker: busy checks, shutdown); default: directly. */
  track?: (sessionId: string, turn: () => Promise<Session>) => Promise<Session>;
  /** An ask call's deadline: the turn is cancelled past it (default one hour). */
  timeoutMs?: number;
}

/** What one MCP connection adds to its ask calls. */
export interface AgentConnection {
  /** Recorded in a new session's metadata (transport, MCP session id, client), read at each call. */
  metadata: () => Record<string, unknown>;
  /** Decides approval-gated calls in the turns; absent, they are refused (nobody can be asked over MCP). */
  onApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
}

/** What an ask call returns: the answer, and the session to pass back to continue. */
export interface AgentAnswer {
  text: string;
  sessionId: string;
  output?: unknown;
}

const TOOL_PREFIX = 'ask_';
/** As the sessions API takes them. */
const sessionIdPattern = /^[A-Za-z0-9_.:-]{1,200}$/;
/** Longest message, in characters: a question for an agent, not a document dump (the HTTP body limit applies as well). */
export const MAX_ASK_MESSAGE = 100_000;

const inputSchema: McpTool['inputSchema'] = {
  type: 'object',
  properties: {
    message: { type: 'string', minLength: 1, maxLength: MAX_ASK_MESSAGE, description: "The user message for the agent's turn" },
    sessionId: {
      type: 'string',
      pattern: sessionIdPattern.source,
      description: 'Continue this session (from an earlier answer); absent: a new session',
    },
  },
  required: ['message'],
  additionalProperties: false,
};

const outputSchema: NonNullable<McpTool['outputSchema']> = {
  type: 'object',
  properties: {
    text: { type: 'string', description: "The agent's answer" },
    sessionId: { type: 'string', description: 'The session the turn ran in: pass it back to continue the conversation' },
    output: { description: "The answer parsed by the prompt's output schema, when it declares one" },
  },
  required: ['text', 'sessionId'],
};

/** The arguments as the executor validated them against `inputSchema`. */
const askArguments = z.object({ message: z.string(), sessionId: z.string().optional() });

const refusedApprovals = async (requests: ApprovalRequest[]): Promise<Map<string, ApprovalDecision>> =>
  new Map(
    requests.map((r) => [r.callId, { approved: false, by: 'system', reason: 'nobody can approve a call over MCP (the turn was asked for by an MCP client)' }]),
  );

/**
 * The configured agents as MCP tools: `ask_<name>` runs one turn in a new session owned by
 * the caller, or in one it names (which it must be allowed to write, by the service's
 * session rules), and returns the answer and the session id. Each is a tool of its own
 * executor (not the runtime's registry: a model must not ask an agent through it), so an
 * ask call is validated, authorized (`agent:ask:<name>` and `session:write:own`) and
 * recorded in the MCP connection's log like any other call; the turn itself is recorded in
 * its session. Its progress is the turn's steps and tool calls; the call's cancellation
 * cancels the turn.
 */
export class McpAgentTools {
  private readonly byTool: ReadonlyMap<string, McpAgent>;

  constructor(private readonly options: McpAgentToolsOptions) {
    this.byTool = new Map(options.agents.map((agent) => [`${TOOL_PREFIX}${agent.name}`, agent]));
  }

  /** Whether `tool` is one of the ask tools (listed or not for a given principal). */
  has(tool: string): boolean {
    return this.byTool.has(tool);
  }

  /** The ask tools `principal` may call, as `tools/list` shows them. */
  list(principal: string): McpTool[] {
    return [...this.byTool]
      .filter(([name]) => this.authorize(principal, name).allowed)
      .map(([name, agent]) => ({
        name,
        description: describe(agent),
        inputSchema,
        outputSchema,
        // A whole turn: it may call any of the agent's tools.
        annotations: { readOnlyHint: false, openWorldHint: true },
      }));
  }

  /** The executor one connection's ask calls run through (its ToolCallSession records them). */
  executor(connection: AgentConnection): ToolExecutor {
    const tools: AnyTool[] = [...this.byTool].map(([name, agent]) => ({
      name,
      description: describe(agent),
      parameters: inputSchema,
      timeoutMs: this.options.timeoutMs ?? 3_600_000,
      annotations: { readOnlyHint: false, openWorldHint: true },
      execute: (args: Record<string, unknown>, context: ToolContext) => this.ask(agent, askArguments.parse(args), context, connection),
    }));
    return new ToolExecutor({
      registry: new ToolRegistry(tools),
      authorize: ({ principal, tool }) => this.authorize(principal, tool.name),
    });
  }

  /** `agent:ask:<name>`, then `session:write:own` (the turn writes a session): the first that says no decides. */
  private authorize(principal: string, tool: string): ToolAuthDecision {
    const agent = this.byTool.get(tool)?.name ?? tool;
    const ask = this.options.decide(principal, `agent:ask:${agent}`);
    if (!ask.allowed) return ask;
    const write = this.options.decide(principal, 'session:write:own');
    return write.allowed ? ask : write;
  }

  private async ask(agent: McpAgent, args: { message: string; sessionId?: string }, context: ToolContext, connection: AgentConnection): Promise<AgentAnswer> {
    const message = args.message.trim();
    if (message === '') throw new AgentboxError('TOOL_ARGS_INVALID', `arguments do not match the schema of 'ask_${agent.name}': /message: is only white space`);
    const created = args.sessionId === undefined;
    const sessionId = created ? await this.newSession(agent, context.principal, connection) : await this.named(context.principal, args.sessionId as string);
    try {
      const session = await this.runTurn(agent, sessionId, message, context, connection);
      const text = finalText(session);
      return { text, sessionId, ...(session.output !== undefined ? { output: session.output } : {}) };
    } catch (error) {
      const kept = created ? await this.dropIfUnstarted(sessionId) : sessionId;
      throw withSession(error, kept);
    }
  }

  private async named(principal: string, sessionId: string): Promise<string> {
    try {
      await this.options.writableSession(principal, sessionId);
    } catch (error) {
      if (!AgentboxError.isInstance(error, 'SESSION_NOT_FOUND')) throw error;
      throw new AgentboxError('SESSION_NOT_FOUND', `no session ${sessionId} that ${principal} may write: it does not exist or belongs to another principal`);
    }
    return sessionId;
  }

  /** Created before the turn, so its id is known to progress, to the tracker and to the answer. */
  private async newSession(agent: McpAgent, principal: string, connection: AgentConnection): Promise<string> {
    const session = await this.options.runtime.createSession({
      owner: principal,
      metadata: { source: 'mcp', agent: agent.name, ...connection.metadata() },
      // A prompt file says everything the model is told, as for `process({ prompt })`.
      ...(agent.name === CONFIGURED_AGENT ? {} : { system: '' }),
    });
    return session.id;
  }

  private async runTurn(agent: McpAgent, sessionId: string, message: string, context: ToolContext, connection: AgentConnection): Promise<Session> {
    const { runtime } = this.options;
    // Reported as the ask call's `tool.progress`: a client that sent a progress token gets them.
    const progress = context.reportProgress
      ? agentProgress(runtime.stream({ sessionId, capacity: 256, overflow: 'drop-oldest' }), context.reportProgress)
      : undefined;
    const turn = () =>
      runtime.process({
        sessionId,
        ...(agent.name === CONFIGURED_AGENT ? { input: message } : { prompt: { name: agent.name, input: { message } } }),
        principal: context.principal,
        // The call's signal: the client's cancellation and the call's deadline both end the turn.
        signal: context.signal,
        onApproval: connection.onApproval ?? refusedApprovals,
      });
    try {
      return await (this.options.track ? this.options.track(sessionId, turn) : turn());
    } finally {
      await progress?.end();
    }
  }

  /**
   * A new session whose turn never started (a prompt that does not render, a service
   * shutting down) is deleted, so bad input leaves nothing behind, as with `process()`.
   * Returns the id if the session stays.
   */
  private async dropIfUnstarted(sessionId: string): Promise<string | undefined> {
    const { runtime } = this.options;
    try {
      if ((await runtime.getSession(sessionId))?.turns !== 0) return sessionId;
      await runtime.deleteSession(sessionId);
      return undefined;
    } catch {
      return sessionId;
    }
  }
}

function describe(agent: McpAgent): string {
  if (agent.description) return agent.description;
  const who = agent.name === CONFIGURED_AGENT ? 'the agent' : `the agent of the stored prompt '${agent.name}'`;
  return `Ask ${who}: runs one turn (its model, its tools) with the message and returns the answer and the session id. Pass sessionId back to continue the same conversation.`;
}

function finalText(session: Session): string {
  const last = session.messages.at(-1);
  return last?.role === 'assistant' ? last.content : '';
}

/**
 * The turn's error with the session it ran in named, for the client to read its events. An
 * error that is not agentbox's (a bug, a dependency) shows only that it happened: its text
 * may name files.
 */
function withSession(error: unknown, sessionId: string | undefined): unknown {
  const where = sessionId ? ` (the turn ran in session ${sessionId})` : '';
  if (!AgentboxError.isInstance(error)) return new AgentboxError('TOOL_FAILED', `the turn failed with an internal error${where}`);
  if (!where || error.code === 'CANCELLED') return error;
  // The same code and details (their shape is the code's, so the cast only restates it).
  return new AgentboxError(error.code, `${error.message}${where}`, { cause: error, ...(error.details ? { details: error.details } : {}) } as never);
}
