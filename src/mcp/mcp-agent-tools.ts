import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ApprovalDecision, ApprovalRequest } from '../agent/tools/tool-executor.js';
import { AgentboxError, isAbortError, serializeError } from '../errors/agentbox-error.js';
import { issuesFromZod, formatIssues } from '../errors/validation-issue.js';
import type { Session } from '../engine/session.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';
import { agentProgress, type ProgressSender } from './agent-progress.js';

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
  /** Whether the principal holds a permission (`agent:ask:<name>`, `session:write:own`). */
  allowed: (principal: string, permission: string) => boolean;
  /**
   * Resolves if the principal may run a turn in the session, by the service's session rules
   * (`accessSession(…, 'write')`); throws SESSION_NOT_FOUND (another principal's session
   * looks missing: ids cannot be probed) or FORBIDDEN.
   */
  writableSession: (principal: string, sessionId: string) => Promise<unknown>;
  /** Runs a turn under the caller's bookkeeping (the service's turn tracker: busy checks, shutdown); default: directly. */
  track?: (sessionId: string, turn: () => Promise<Session>) => Promise<Session>;
}

export interface AgentCall {
  principal: string;
  name: string;
  arguments: unknown;
  signal: AbortSignal;
  /** Set when the client sent a progress token: the turn's steps and tool calls are reported through it. */
  progress?: ProgressSender;
  /** Recorded in a new session's metadata (transport, MCP session id, client). */
  metadata: Record<string, unknown>;
  /** Decides approval-gated calls in the turn; absent, they are refused (nobody can be asked over MCP). */
  onApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
}

const TOOL_PREFIX = 'ask_';
/** As the sessions API takes them. */
const sessionIdPattern = /^[A-Za-z0-9_.:-]{1,200}$/;
/** Longest message, in characters: a question for an agent, not a document dump (the HTTP body limit applies as well). */
export const MAX_ASK_MESSAGE = 100_000;

const askArgumentsSchema = z.strictObject({
  message: z.string().trim().min(1, 'must not be empty').max(MAX_ASK_MESSAGE),
  sessionId: z.string().regex(sessionIdPattern, 'not a valid session id').optional(),
});

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

const refusedApprovals = async (requests: ApprovalRequest[]): Promise<Map<string, ApprovalDecision>> =>
  new Map(
    requests.map((r) => [r.callId, { approved: false, by: 'system', reason: 'nobody can approve a call over MCP (the turn was asked for by an MCP client)' }]),
  );

/**
 * The configured agents as MCP tools: `ask_<name>` runs one turn in a new session owned by
 * the caller, or in one it names (which it must be allowed to write, by the service's
 * session rules), and returns the answer and the session id. Listed only for a principal
 * holding `agent:ask:<name>` and `session:write:own`. The turn is the runtime's own: its
 * model, tools, RBAC and limits, every step recorded in the session; progress goes to a
 * client that sent a progress token; the client's cancellation cancels the turn.
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

  /** The ask tools `principal` may call. */
  list(principal: string): McpTool[] {
    return [...this.byTool]
      .filter(([, agent]) => this.mayAsk(principal, agent.name))
      .map(([name, agent]) => ({
        name,
        description: agent.description ?? describe(agent.name),
        inputSchema,
        outputSchema,
        // A whole turn: it may call any of the agent's tools.
        annotations: { readOnlyHint: false, openWorldHint: true },
      }));
  }

  /** Runs the turn; every failure is an `isError` result with the code, as a tool's is. `sessionId`: where the turn ran, when it got that far. */
  async call(call: AgentCall): Promise<{ result: CallToolResult; sessionId?: string }> {
    const agent = this.byTool.get(call.name);
    let sessionId: string | undefined;
    let created = false;
    try {
      if (!agent) throw new AgentboxError('TOOL_NOT_FOUND', `no agent tool named ${call.name}`);
      if (!this.mayAsk(call.principal, agent.name)) {
        throw new AgentboxError(
          'TOOL_DENIED',
          `permission denied: ${call.principal} may not ask ${agent.name} (needs agent:ask:${agent.name} and session:write:own)`,
        );
      }
      const args = parseArguments(call.name, call.arguments);
      created = args.sessionId === undefined;
      sessionId = await this.sessionFor(call, agent, args.sessionId);
      const session = await this.runTurn(call, agent, sessionId, args.message);
      const text = finalText(session);
      const structured = { text, sessionId, ...(session.output !== undefined ? { output: session.output } : {}) };
      return { result: { content: [{ type: 'text', text }], structuredContent: structured }, sessionId };
    } catch (error) {
      if (created && sessionId !== undefined) sessionId = await this.dropIfUnstarted(sessionId);
      return { result: errorResult(error, sessionId), ...(sessionId ? { sessionId } : {}) };
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

  private mayAsk(principal: string, agent: string): boolean {
    return this.options.allowed(principal, `agent:ask:${agent}`) && this.options.allowed(principal, 'session:write:own');
  }

  /** The session the turn runs in: the one named (if the caller may write it), else a new one it owns. */
  private async sessionFor(call: AgentCall, agent: McpAgent, named: string | undefined): Promise<string> {
    if (named !== undefined) {
      try {
        await this.options.writableSession(call.principal, named);
      } catch (error) {
        if (!AgentboxError.isInstance(error, 'SESSION_NOT_FOUND')) throw error;
        throw new AgentboxError('SESSION_NOT_FOUND', `no session ${named} that ${call.principal} may write: it does not exist or belongs to another principal`);
      }
      return named;
    }
    // Created before the turn, so its id is known to progress, to the tracker and to the answer.
    const session = await this.options.runtime.createSession({
      owner: call.principal,
      metadata: { source: 'mcp', agent: agent.name, ...call.metadata },
      // A prompt file says everything the model is told, as for `process({ prompt })`.
      ...(agent.name === CONFIGURED_AGENT ? {} : { system: '' }),
    });
    return session.id;
  }

  private async runTurn(call: AgentCall, agent: McpAgent, sessionId: string, message: string): Promise<Session> {
    const { runtime } = this.options;
    const progress = call.progress ? agentProgress(runtime.stream({ sessionId, capacity: 256, overflow: 'drop-oldest' }), call.progress) : undefined;
    const turn = () =>
      runtime.process({
        sessionId,
        ...(agent.name === CONFIGURED_AGENT ? { input: message } : { prompt: { name: agent.name, input: { message } } }),
        principal: call.principal,
        signal: call.signal,
        onApproval: call.onApproval ?? refusedApprovals,
      });
    try {
      return await (this.options.track ? this.options.track(sessionId, turn) : turn());
    } finally {
      // Every notification of the turn is sent before its answer.
      await progress?.end();
    }
  }
}

function parseArguments(tool: string, input: unknown): z.output<typeof askArgumentsSchema> {
  const parsed = askArgumentsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error.issues);
  throw new AgentboxError('TOOL_ARGS_INVALID', formatIssues(issues, { heading: `arguments do not match the schema of '${tool}'` }), {
    details: { errors: issues.map((issue) => ({ path: `/${issue.path.replace(/\./g, '/')}`, keyword: 'schema', message: issue.message })) },
  });
}

function describe(agent: string): string {
  const who = agent === CONFIGURED_AGENT ? 'the agent' : `the agent of the stored prompt '${agent}'`;
  return `Ask ${who}: runs one turn (its model, its tools) with the message and returns the answer and the session id. Pass sessionId back to continue the same conversation.`;
}

function finalText(session: Session): string {
  const last = session.messages.at(-1);
  return last?.role === 'assistant' ? last.content : '';
}

/** The same JSON a tool failure shows, plus the session the turn ran in (its events say more). */
function errorResult(error: unknown, sessionId: string | undefined): CallToolResult {
  const serialized = serializeError(error);
  // Not an agentbox error (a bug, a dependency): its message may name files; the code is enough.
  const shown = serialized.code === 'INTERNAL' ? { code: 'INTERNAL', message: 'internal error' } : serialized;
  const cancelled = isAbortError(error) ? { code: 'CANCELLED', message: 'the turn was cancelled' } : shown;
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: cancelled, ...(sessionId ? { sessionId } : {}) }) }] };
}
