import type { EventPayload } from '../engine/events.js';
import type { SessionRecorder } from '../engine/session-recorder.js';
import type { ToolResult } from '../agent/tools/tool.js';
import type { ApprovalDecision, ApprovalRequest, ToolExecutor } from '../agent/tools/tool-executor.js';
import { createSessionSampler, type SessionSampler } from '../agent/tools/create-session-sampler.js';
import type { LanguageModel } from '../agent/llm/language-model.js';
import type { ModelPrice } from '../agent/usage/price-usage.js';
import type { ElicitationAnswer, ElicitationRequest } from '../engine/elicitation.js';

export interface ToolCallRequest {
  name: string;
  /** The arguments as JSON text, as a model sends them. */
  arguments: string;
  signal?: AbortSignal;
  /** Decides approval-gated calls; absent, they are refused (nobody can be asked). */
  onApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
  /** Sees every event of the call as it is recorded, transient ones (`tool.progress`) included. */
  onEvent?: (payload: EventPayload) => void;
  /** Asks a person for a tool's form (the connected MCP client, when it takes elicitation); absent, such questions are refused. */
  onInput?: (request: ElicitationRequest, signal: AbortSignal) => Promise<ElicitationAnswer>;
  /** Runs the call through this executor instead of the session's (an MCP connection's `ask_<agent>` tools), recorded in the same log. */
  executor?: ToolExecutor;
}

export interface ToolCallSessionOptions {
  /** Records `session.created` and returns the session's writer; called on the first call. */
  start: () => SessionRecorder;
  executor: ToolExecutor;
  /** Who makes every call of this session (its owner). */
  principal: string;
  /** The model tools' completion requests (MCP sampling) run on; absent, they are refused. */
  model?: LanguageModel | (() => LanguageModel);
  /** Config `llm.prices`, for the cost of those completions. */
  prices?: Readonly<Record<string, ModelPrice>>;
}

/**
 * Tool calls made from outside a turn (an MCP client's `tools/call`), each recorded in one
 * session's log exactly as a model's call is: `auth.allowed|denied`, `approval.*`,
 * `tool.started`, `tool.completed` with its output and resources. The session is created
 * on the first call, so a client that only lists tools leaves no empty session behind. A
 * call returns once its events are stored: a result a client has seen is always in the log.
 */
export class ToolCallSession {
  private recorder: SessionRecorder | undefined;
  private calls = 0;
  private sample: SessionSampler | undefined;

  constructor(private readonly options: ToolCallSessionOptions) {}

  /** The session's id, once the first call has created it. */
  get sessionId(): string | undefined {
    return this.recorder?.id;
  }

  async invoke(request: ToolCallRequest): Promise<ToolResult> {
    this.recorder ??= this.options.start();
    const recorder = this.recorder;
    this.calls += 1;
    const step = this.calls;
    const { model, prices } = this.options;
    if (model) this.sample ??= createSessionSampler({ model, used: (source) => recorder.session.sampledTokens?.[source] ?? 0, ...(prices ? { prices } : {}) });
    const [result] = await (request.executor ?? this.options.executor).execute([{ id: `call_${step}`, name: request.name, arguments: request.arguments }], {
      sessionId: recorder.id,
      principal: this.options.principal,
      step,
      signal: request.signal ?? new AbortController().signal,
      emit: (payload) => {
        request.onEvent?.(payload);
        return recorder.record(payload);
      },
      ...(request.onApproval ? { requestApproval: request.onApproval } : {}),
      ...(request.onInput ? { requestInput: request.onInput } : {}),
      ...(this.sample ? { sample: this.sample } : {}),
    });
    await recorder.flush();
    return result as ToolResult;
  }
}
