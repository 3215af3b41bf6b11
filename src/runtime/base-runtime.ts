import { AgentboxError } from '../errors/agentbox-error.js';
import { ConfigError } from '../errors/config-error.js';
import { EventBus, type EventSubscription, type SubscribeOptions } from '../engine/event-bus.js';
import type { AgentEvent } from '../engine/events.js';
import { orphanToolResult } from '../engine/orphan-tool-result.js';
import { emptySession, type Session, type SessionSummary } from '../engine/session.js';
import { SessionRecorder, systemClock, type Clock } from '../engine/session-recorder.js';
import type { ListSessionsOptions, SessionStore } from '../store/session-store.js';
import type { ModelLimitOverrides } from '../agent/context/model-limits.js';
import type { LanguageModel } from '../agent/llm/language-model.js';
import { ContextCache } from '../agent/context/context-cache.js';
import { runTurn } from '../agent/run-turn.js';
import type { ModelPrice } from '../agent/usage/price-usage.js';
import type { SummaryPolicy } from '../agent/context/insert-summary.js';
import type { AnyTool, ToolResult } from '../agent/tools/tool.js';
import type { EventPayload } from '../engine/events.js';
import { ToolExecutor, type ApprovalDecision, type ApprovalRequest, type ToolExecutorOptions } from '../agent/tools/tool-executor.js';
import { ToolRegistry } from '../agent/tools/tool-registry.js';
import type { ToolSource } from '../agent/tools/tool-source.js';
import type { AgentRuntime, CreateSessionOptions, ProcessRequest } from './agent-runtime.js';
import { planOutput, type StructuredOutputMode } from '../agent/structured-output.js';
import type { PromptRenderer, PromptTurn } from '../prompt/prompt-source.js';
import { ToolCallSession } from './tool-call-session.js';
import { createSessionSampler } from '../agent/tools/create-session-sampler.js';
import type { ElicitationAnswer, ElicitationRequest } from '../engine/elicitation.js';
import { checkElicitationAnswer } from '../agent/tools/check-elicitation-answer.js';
import { formatIssues } from '../errors/validation-issue.js';

export interface RuntimeOptions {
  store: SessionStore;
  /** The model, or a factory called on first use (so a CLI can list sessions without one). */
  model: LanguageModel | (() => LanguageModel);
  tools?: Iterable<AnyTool>;
  /** Tool sets that change while the runtime runs (MCP servers); the registry follows them. */
  toolSources?: readonly ToolSource[];
  /** Told about a source's tool that could not be registered (a clashing name, an unsafe schema). */
  onToolSkipped?: (source: string, name: string, reason: string) => void;
  maxSteps?: number;
  toolTimeoutMs?: number;
  system?: string;
  temperature?: number;
  maxTokens?: number;
  /** Config `llm.contextWindow` / `llm.maxOutputTokens`: every request is counted against them before it is sent. */
  limits?: ModelLimitOverrides;
  /** Config `agent.context.lowWater`. */
  contextLowWater?: number;
  /** Config `agent.context.summarize` / `summaryMaxTokens`: absent, no summaries. */
  contextSummary?: SummaryPolicy;
  /** Config `llm.prices`: per model, per million tokens. */
  prices?: Readonly<Record<string, ModelPrice>>;
  defaultPrincipal?: string;
  authorize?: ToolExecutorOptions['authorize'];
  /** Process CPU time in ms, for tool calls that report none (see ToolExecutorOptions). */
  cpuTime?: () => number;
  bus?: EventBus;
  clock?: Clock;
  /** Generates session ids; default `crypto.randomUUID()`. */
  newId?: () => string;
  /** Renders `process({ prompt })`: `createPromptRenderer(loader)` from `agentbox/prompt` (NodeRuntime wires one over the prompt folder). */
  prompts?: PromptRenderer;
  /** How an output schema is asked for (config `llm.structuredOutput`); default `json_schema`. */
  structuredOutput?: StructuredOutputMode;
}

interface PendingApproval {
  request: ApprovalRequest;
  resolve: (decision: ApprovalDecision) => void;
}

interface PendingInput {
  request: ElicitationRequest;
  resolve: (answer: ElicitationAnswer) => void;
}

interface ActiveTurn {
  controller: AbortController;
  approvals: Map<string, PendingApproval>;
  /** Forms waiting for `answerElicitation()`, by elicitation id. */
  inputs: Map<string, PendingInput>;
}

/** The portable runtime: everything but the platform's store, model transport and sandboxes. */
export class BaseRuntime implements AgentRuntime {
  readonly bus: EventBus;
  readonly tools: ToolRegistry;
  protected readonly store: SessionStore;
  private readonly executor: ToolExecutor;
  private readonly clock: Clock;
  private readonly active = new Map<string, ActiveTurn>();
  private resolvedModel: LanguageModel | undefined;
  private readonly unsubscribes: Array<() => void> = [];
  /** The tools given at construction, beside those the sources bring and take away. */
  private readonly fixedTools: AnyTool[];
  /** Each recent session's token counts and cut, so a request counts only what is new. */
  private readonly context = new ContextCache();

  constructor(private readonly options: RuntimeOptions) {
    this.store = options.store;
    this.bus = options.bus ?? new EventBus();
    this.clock = options.clock ?? systemClock;
    this.fixedTools = [...(options.tools ?? [])];
    this.tools = new ToolRegistry(this.fixedTools);
    for (const source of options.toolSources ?? []) {
      const sync = (tools: readonly AnyTool[]): void => {
        for (const skipped of this.tools.replaceSource(source.name, tools)) options.onToolSkipped?.(source.name, skipped.name, skipped.reason);
      };
      sync(source.tools());
      this.unsubscribes.push(source.onChange(sync));
    }
    this.executor = new ToolExecutor({
      registry: this.tools,
      ...(options.toolTimeoutMs !== undefined ? { defaultTimeoutMs: options.toolTimeoutMs } : {}),
      ...(options.authorize ? { authorize: options.authorize } : {}),
      ...(options.cpuTime ? { cpuTime: options.cpuTime } : {}),
    });
  }

  /**
   * A runtime with this one's model, tools, authorization, limits, clock and bus over
   * another store — e.g. the ephemeral sessions of `/v1/chat/completions`. One wiring: the
   * sibling cannot drift from the runtime it was made from. The model is shared as this
   * runtime resolves it (on first use).
   */
  withStore(store: SessionStore, overrides: Partial<Omit<RuntimeOptions, 'store' | 'model' | 'tools' | 'bus'>> = {}): BaseRuntime {
    // The fixed tools, and the same sources to follow: the sibling's registry keeps in step.
    return new BaseRuntime({ ...this.options, ...overrides, store, model: () => this.model, tools: this.fixedTools, bus: this.bus });
  }

  /** A tool source the runtime was given, by name (an MCP server's configured name). */
  toolSource(name: string): ToolSource | undefined {
    return this.options.toolSources?.find((source) => source.name === name);
  }

  /**
   * This runtime with some options changed, over the same store: the HTTP service's `/mcp`
   * authorizes tool calls by its RBAC whatever the runtime was given, and records them beside
   * the other sessions.
   */
  withOverrides(overrides: Partial<Omit<RuntimeOptions, 'store' | 'model' | 'tools' | 'bus'>>): BaseRuntime {
    return this.withStore(this.store, overrides);
  }

  /**
   * A session that records tool calls made outside any turn (an MCP client's), each under the
   * same validation, authorization, approval and limits as a model's call, in the session's
   * log like a model's call. Created in the store on its first call.
   */
  openToolSession(options: { owner: string; metadata?: Record<string, unknown> }): ToolCallSession {
    return new ToolCallSession({
      // No system prompt: the log holds tool calls, not a conversation.
      start: () => this.startSession({ owner: options.owner, system: '', metadata: options.metadata ?? {} }),
      executor: this.executor,
      principal: options.owner,
      model: () => this.model,
      ...(this.options.prices ? { prices: this.options.prices } : {}),
    });
  }

  /** The principal requests run as when they name none (the CLI user; a workflow run's default). */
  get defaultPrincipal(): string {
    return this.options.defaultPrincipal ?? 'local';
  }

  /** The system prompt new sessions get unless they bring their own. */
  get system(): string | undefined {
    return this.options.system;
  }

  get model(): LanguageModel {
    const { model } = this.options;
    this.resolvedModel ??= typeof model === 'function' ? model() : model;
    return this.resolvedModel;
  }

  async createSession(options: CreateSessionOptions = {}): Promise<Session> {
    const recorder = this.startSession(options);
    await recorder.flush();
    return recorder.session;
  }

  /** Records `session.created` without waiting: a turn started at once shares its first write. */
  private startSession(options: CreateSessionOptions = {}): SessionRecorder {
    const id = this.options.newId?.() ?? crypto.randomUUID();
    const recorder = new SessionRecorder(emptySession(id), this.store, this.bus, this.clock);
    const system = options.system ?? this.options.system;
    recorder.record({
      type: 'session.created',
      owner: options.owner ?? this.options.defaultPrincipal ?? 'local',
      metadata: options.metadata ?? {},
      ...(system ? { system } : {}),
    });
    return recorder;
  }

  /** The prompt engine `process({ prompt })` renders with (undefined: none wired). */
  get prompts(): PromptRenderer | undefined {
    return this.options.prompts;
  }

  async process(request: ProcessRequest): Promise<Session> {
    if (request.prompt !== undefined && request.input !== undefined) {
      throw new AgentboxError('INVALID_INPUT', 'give either input (a message) or prompt (a prompt file), not both');
    }
    if (request.prompt === undefined && (typeof request.input !== 'string' || request.input.trim() === '')) {
      throw new AgentboxError('INVALID_INPUT', 'the user message is empty');
    }
    // Rendered before any session is touched: bad input or a bad file leaves nothing behind.
    const promptTurn = request.prompt ? await this.renderPrompt(request.prompt) : undefined;
    if (promptTurn && request.sessionId === undefined) request = { ...request, session: { ...request.session, system: request.session?.system ?? '' } };
    if (request.sessionId !== undefined && this.active.has(request.sessionId)) {
      throw new AgentboxError('SESSION_BUSY', `session ${request.sessionId} is already running a turn`);
    }
    // Another process may be running this session's turn (a shared SQLite file): claim it
    // before loading, so the state folded below is the one left by its last holder.
    if (request.sessionId !== undefined && this.store.claimTurn && !(await this.store.claimTurn(request.sessionId))) {
      throw new AgentboxError('SESSION_BUSY', `session ${request.sessionId} is running a turn in another process; try again when it finishes`);
    }
    let recorder: SessionRecorder;
    try {
      recorder = request.sessionId
        ? new SessionRecorder(mustBeConversation(await this.mustLoad(request.sessionId)), this.store, this.bus, this.clock)
        : this.startSession(request.session);
    } catch (error) {
      if (request.sessionId !== undefined && !this.active.has(request.sessionId)) await this.store.releaseTurn?.(request.sessionId);
      throw error;
    }
    const session = recorder.session;
    if (this.active.has(session.id)) {
      throw new AgentboxError('SESSION_BUSY', `session ${session.id} is already running a turn`);
    }
    if (request.sessionId === undefined) await this.store.claimTurn?.(session.id);
    const turn: ActiveTurn = { controller: new AbortController(), approvals: new Map(), inputs: new Map() };
    const onInput =
      request.onInput === false ? undefined : (request.onInput ?? ((asked: ElicitationRequest, over: AbortSignal) => this.waitForInput(turn, asked, over)));
    this.active.set(session.id, turn);
    const onAbort = (): void => turn.controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) onAbort();
    try {
      await runTurn({
        recorder,
        model: this.model,
        executor: this.executor,
        ...this.turnInput(request, promptTurn),
        principal: request.principal ?? session.owner,
        maxSteps: this.options.maxSteps ?? 10,
        ...(this.options.limits ? { limits: this.options.limits } : {}),
        ...(this.options.contextLowWater !== undefined ? { contextLowWater: this.options.contextLowWater } : {}),
        context: this.context,
        ...(this.options.prices ? { prices: this.options.prices } : {}),
        ...(this.options.contextSummary ? { summarize: this.options.contextSummary } : {}),
        signal: turn.controller.signal,
        requestApproval: request.onApproval ?? ((requests) => this.waitForDecisions(turn, requests)),
        ...(onInput ? { requestInput: onInput } : {}),
      });
      return recorder.session;
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      this.active.delete(session.id);
      await this.store.releaseTurn?.(session.id);
    }
  }

  /** How an output schema is asked for (config `llm.structuredOutput`). */
  get structuredOutputMode(): StructuredOutputMode {
    return this.options.structuredOutput ?? 'json_schema';
  }

  /** Renders a prompt file with the runtime's renderer (the one `process({ prompt })` and `agentbox run --prompt` use). */
  renderPrompt(reference: NonNullable<ProcessRequest['prompt']>): Promise<PromptTurn> {
    const { prompts } = this.options;
    if (!prompts) {
      throw new ConfigError([
        {
          path: 'prompts',
          message: 'this runtime renders no prompt files: pass prompts: createPromptRenderer(loader) from agentbox/prompt (NodeRuntime does)',
        },
      ]);
    }
    return prompts.render(reference);
  }

  /** The parts of a turn that come from the request, its prompt file and the runtime's defaults (the prompt's win). */
  private turnInput(request: ProcessRequest, prompt: PromptTurn | undefined) {
    const temperature = prompt?.temperature ?? this.options.temperature;
    const maxTokens = prompt?.maxTokens ?? this.options.maxTokens;
    const output = request.output ?? prompt?.output;
    return {
      input: prompt ? prompt.input : (request.input ?? ''),
      ...(prompt ? { prompt: prompt.record } : {}),
      ...(prompt?.model ? { modelId: prompt.model } : {}),
      ...(prompt?.tools ? { toolNames: prompt.tools } : {}),
      ...(output ? { output: planOutput(output, this.options.structuredOutput ?? 'json_schema') } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    };
  }

  /**
   * Runs one tool call outside any session, through the same validation, authorization,
   * approval and limits as a model's call. `events` receives what would have been recorded.
   */
  async invokeTool(request: {
    name: string;
    arguments: string;
    principal?: string;
    signal?: AbortSignal;
    onApproval?: ProcessRequest['onApproval'];
    /** Answers a tool's form; absent, nobody can be asked (an MCP server's elicitation is refused). */
    onInput?: ProcessRequest['onInput'];
    events?: (payload: EventPayload) => void;
    /** Handed to the tool (`context.idempotencyKey`) so it can de-duplicate a repeated call. */
    idempotencyKey?: string;
  }): Promise<ToolResult> {
    const [result] = await this.executor.execute([{ id: 'direct', name: request.name, arguments: request.arguments }], {
      sessionId: '',
      principal: request.principal ?? this.options.defaultPrincipal ?? 'local',
      step: 0,
      signal: request.signal ?? new AbortController().signal,
      emit: (payload) => request.events?.(payload),
      ...(request.onApproval ? { requestApproval: request.onApproval } : {}),
      ...(request.onInput ? { requestInput: request.onInput } : {}),
      ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
      // No session: the budget holds for this one call.
      sample: createSessionSampler({ model: () => this.model, used: () => 0, ...(this.options.prices ? { prices: this.options.prices } : {}) }),
    });
    return result as ToolResult;
  }

  stream(options?: SubscribeOptions): EventSubscription {
    return this.bus.subscribe(options);
  }

  getSession(sessionId: string): Promise<Session | undefined> {
    return this.store.load(sessionId);
  }

  listSessions(options?: ListSessionsOptions): Promise<SessionSummary[]> {
    return this.store.list(options);
  }

  events(sessionId: string, options?: { afterSeq?: number; limit?: number }): Promise<AgentEvent[]> {
    return this.store.events(sessionId, options);
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    if (this.active.has(sessionId)) throw new AgentboxError('SESSION_BUSY', `session ${sessionId} is running a turn`);
    return this.store.delete(sessionId);
  }

  cancel(sessionId: string): boolean {
    const turn = this.active.get(sessionId);
    if (!turn) return false;
    turn.controller.abort(new AgentboxError('CANCELLED', 'the turn was cancelled'));
    return true;
  }

  decide(sessionId: string, callId: string, decision: ApprovalDecision): boolean {
    const pending = this.active.get(sessionId)?.approvals.get(callId);
    if (!pending) return false;
    pending.resolve(decision);
    return true;
  }

  pendingApprovals(sessionId: string): ApprovalRequest[] {
    const turn = this.active.get(sessionId);
    return turn ? [...turn.approvals.values()].map((p) => p.request) : [];
  }

  answerElicitation(sessionId: string, id: string, answer: ElicitationAnswer): boolean {
    const pending = this.active.get(sessionId)?.inputs.get(id);
    if (!pending) return false;
    const issues = checkElicitationAnswer(pending.request.requestedSchema, answer);
    if (issues.length > 0) {
      throw new AgentboxError('INVALID_INPUT', `the answer does not match the form: ${formatIssues(issues, { limit: 5 })}`, { details: { issues } });
    }
    pending.resolve(answer);
    return true;
  }

  pendingElicitations(sessionId: string): ElicitationRequest[] {
    const turn = this.active.get(sessionId);
    return turn ? [...turn.inputs.values()].map((p) => p.request) : [];
  }

  /** Whether a turn is running (for graceful shutdown). */
  get activeTurns(): number {
    return this.active.size;
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    for (const id of [...this.active.keys()]) this.cancel(id);
    this.bus.closeAll();
    await this.store.close();
  }

  private async mustLoad(sessionId: string): Promise<Session> {
    const session = await this.store.load(sessionId);
    if (!session) throw new AgentboxError('SESSION_NOT_FOUND', `no session with id ${sessionId}`);
    return session;
  }

  /** A form waiting for `answerElicitation()` until the question is over (`over`: answered elsewhere, the turn ended, the server gave up). */
  private waitForInput(turn: ActiveTurn, request: ElicitationRequest, over: AbortSignal): Promise<ElicitationAnswer> {
    return new Promise((resolve) => {
      const end = (answer: ElicitationAnswer): void => {
        turn.inputs.delete(request.id);
        over.removeEventListener('abort', onOver);
        resolve(answer);
      };
      const onOver = (): void => end({ action: 'cancel', by: 'system' });
      turn.inputs.set(request.id, { request, resolve: end });
      if (over.aborted) onOver();
      else over.addEventListener('abort', onOver, { once: true });
    });
  }

  private async waitForDecisions(turn: ActiveTurn, requests: ApprovalRequest[]): Promise<Map<string, ApprovalDecision>> {
    // However the turn is aborted (cancel() or the caller's signal), waiting approvals end too.
    const endWaits = (): void => {
      for (const pending of [...turn.approvals.values()]) pending.resolve({ approved: false, by: 'system', reason: 'turn cancelled' });
    };
    const waits = Promise.all(
      requests.map(
        (request) =>
          new Promise<[string, ApprovalDecision]>((resolve) => {
            turn.approvals.set(request.callId, {
              request,
              resolve: (decision) => {
                turn.approvals.delete(request.callId);
                resolve([request.callId, decision]);
              },
            });
          }),
      ),
    );
    const signal = turn.controller.signal;
    if (signal.aborted) endWaits();
    else signal.addEventListener('abort', endWaits, { once: true });
    try {
      return new Map(await waits);
    } finally {
      signal.removeEventListener('abort', endWaits);
    }
  }
}

/**
 * A session a turn may run in. A log of tool calls made over MCP (`openToolSession`) holds
 * tool results that answer no model call: sent as history, the model endpoint would refuse
 * it (or worse, read it as calls it made). And its MCP connection may still be appending to
 * it, while a session has one writer. So it runs no turn.
 */
function mustBeConversation(session: Session): Session {
  if (orphanToolResult(session.messages) < 0) return session;
  throw new AgentboxError(
    'SESSION_NOT_CONVERSATION',
    `session ${session.id} is a log of tool calls made over MCP, not a conversation: its tool results answer no model call, so it cannot run a turn. Start the turn in a new session (over MCP: an ask_<agent> tool)`,
  );
}
