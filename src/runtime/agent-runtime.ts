import type { AgentEvent } from '../engine/events.js';
import type { EventSubscription, SubscribeOptions } from '../engine/event-bus.js';
import type { Session, SessionSummary } from '../engine/session.js';
import type { ListSessionsOptions } from '../store/session-store.js';
import type { ApprovalDecision, ApprovalRequest } from '../agent/tools/tool-executor.js';
import type { ElicitationAnswer, ElicitationRequest } from '../engine/elicitation.js';
import type { OutputSpec } from '../agent/structured-output.js';
import type { PromptReference } from '../prompt/prompt-source.js';

export interface CreateSessionOptions {
  /** Principal that owns the session. Default: the runtime's default principal. */
  owner?: string;
  /** System prompt; default `agent.system` from config. */
  system?: string;
  metadata?: Record<string, unknown>;
}

export interface ProcessRequest {
  /** An existing session; a new one is created when absent. */
  sessionId?: string;
  /** The user message; give either this or `prompt`. */
  input?: string;
  /**
   * A Dotprompt file rendered with `input` (validated against its input schema first) as
   * this turn's messages: `file` is read by the runtime's prompt loader (Node: the prompt
   * folder, config `prompts.dir`), `source` is the text itself. A new session made for it
   * gets no default system prompt: the file says everything the model is told.
   */
  prompt?: PromptReference;
  /** An answer shape for this turn (a prompt's `output.schema` is used when absent); the parsed answer is `session.output`. */
  output?: OutputSpec;
  /** Used when a new session is created. */
  session?: CreateSessionOptions;
  /** Principal making the request (authorization); default the session owner. */
  principal?: string;
  signal?: AbortSignal;
  /** Decides approval-gated tool calls; without it they wait for `runtime.decide()`. */
  onApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
  /**
   * Answers a running tool's form (an MCP server's elicitation); without it the form waits
   * for `runtime.answerElicitation()`. `false`: nobody can be asked, so it is refused.
   * `signal` aborts when the question is withdrawn (the turn ended, the server gave up).
   */
  onInput?: ((request: ElicitationRequest, signal: AbortSignal) => Promise<ElicitationAnswer>) | false;
}

/**
 * The runtime contract shared by Node, the HTTP service and the browser worker — the plan's
 * `AgentRuntime` (init · process · stream). `init` is each implementation's static factory.
 *
 * @example
 * const runtime = await NodeRuntime.init(config);
 * const events = runtime.stream();
 * const session = await runtime.process({ input: 'What is 17 * 23?' });
 * const triaged = await runtime.process({ prompt: { file: 'triage', input: { ticket: 'It crashes' } } });
 * triaged.output; // the answer parsed and validated against the prompt's output schema
 */
export interface AgentRuntime {
  /** Runs one turn and resolves with the session after it; rejects with the turn's error. */
  process(request: ProcessRequest): Promise<Session>;
  /** Live events (all sessions, or one), bounded with backpressure. */
  stream(options?: SubscribeOptions): EventSubscription;
  createSession(options?: CreateSessionOptions): Promise<Session>;
  getSession(sessionId: string): Promise<Session | undefined>;
  listSessions(options?: ListSessionsOptions): Promise<SessionSummary[]>;
  events(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<AgentEvent[]>;
  deleteSession(sessionId: string): Promise<boolean>;
  /** Aborts the running turn of a session; false if none is running. */
  cancel(sessionId: string): boolean;
  /** Approves or denies a pending approval-gated tool call. */
  decide(sessionId: string, callId: string, decision: ApprovalDecision): boolean;
  /** Tool calls waiting for a decision. */
  pendingApprovals(sessionId: string): ApprovalRequest[];
  /**
   * Answers a pending elicitation (a tool's form); false if none has that id. An answer that
   * does not match the form throws INVALID_INPUT and the form stays pending.
   */
  answerElicitation(sessionId: string, id: string, answer: ElicitationAnswer): boolean;
  /** Forms waiting for a person's answer. */
  pendingElicitations(sessionId: string): ElicitationRequest[];
  close(): Promise<void>;
}
