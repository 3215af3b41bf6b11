import { AgentboxError, isAbortError, serializeError } from '../errors/agentbox-error.js';
import { formatIssues } from '../errors/validation-issue.js';
import type { FinishReason, RequestCount } from '../engine/events.js';
import { addUsage, emptyUsage, type ToolCall, type Usage } from '../engine/messages.js';
import type { SessionRecorder } from '../engine/session-recorder.js';
import { isWorking } from '../engine/session-state.js';
import type { PromptRecord } from '../engine/prompt-record.js';
import { ContextCache } from './context/context-cache.js';
import { estimateCorrection } from './context/estimate-correction.js';
import { countFittedRequest, fitHistory } from './context/fit-history.js';
import { insertSummary, SUMMARY_FRAME_TOKENS, type SummaryPolicy } from './context/insert-summary.js';
import type { ModelLimitOverrides } from './context/model-limits.js';
import { preflightCount } from './context/preflight-count.js';
import type { LanguageModel, ModelRequest } from './llm/language-model.js';
import { callCost, priceFor, type ModelPrice } from './usage/price-usage.js';
import { answerCall, checkOutput, outputRequest, retryFeedback, type OutputPlan } from './structured-output.js';
import type { ApprovalDecision, ApprovalRequest, ExecuteContext, ToolExecutor } from './tools/tool-executor.js';
import { createSessionSampler } from './tools/create-session-sampler.js';
import { untilAborted } from './until-aborted.js';
import { unansweredToolCalls } from '../engine/unanswered-tool-calls.js';

export interface RunTurnOptions {
  recorder: SessionRecorder;
  model: LanguageModel;
  executor: ToolExecutor;
  /** The user message (with `prompt`: its last user message, for listings). */
  input: string;
  /** The prompt file the turn was rendered from; its messages are the turn's input. */
  prompt?: PromptRecord;
  /** A declared answer shape: asked for, validated, retried once, else OUTPUT_INVALID. */
  output?: OutputPlan;
  /** Another model id for this turn's requests (a prompt file's `model:`). */
  modelId?: string;
  /** Only these tools are offered (a prompt file's `tools:`); absent: all registered. */
  toolNames?: readonly string[];
  principal: string;
  /** Model calls in one turn before it is stopped with MAX_STEPS. */
  maxSteps: number;
  signal?: AbortSignal;
  temperature?: number;
  maxTokens?: number;
  /** Config `llm.contextWindow` / `llm.maxOutputTokens`, over the table of known models. */
  limits?: ModelLimitOverrides;
  /** Config `agent.context.lowWater`: how far a trim goes below the budget (default 0.6). */
  contextLowWater?: number;
  /** Config `agent.context.summarize`: what trimming leaves out is summarized in its place. */
  summarize?: SummaryPolicy;
  /** Config `llm.prices`: each call's cost is recorded when its model has one. */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Token counts and cuts kept between requests (a runtime keeps one); absent: a module-wide one. */
  context?: ContextCache;
  requestApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
  /** Asks a person for a running tool's form (MCP elicitation); absent, nobody can be asked. */
  requestInput?: ExecuteContext['requestInput'];
}

export interface TurnResult {
  text: string;
  /** The parsed answer, when the turn declared an output schema. */
  output?: unknown;
  usage: Usage;
  /** The turn's calls priced by `llm.prices` (absent when the model has no price). */
  cost?: number;
  steps: number;
  durationMs: number;
}

/**
 * One turn of the agent loop: user message → model → tool calls → model … → final answer.
 * Every step is an event; text streams to subscribers as it arrives. On failure the turn
 * is recorded as failed (or cancelled) and the error is rethrown; the log stays whole.
 */
export async function runTurn(options: RunTurnOptions): Promise<TurnResult> {
  const { recorder } = options;
  const signal = options.signal ?? new AbortController().signal;
  const turn = recorder.session.turns + 1;
  const started = performance.now();
  if (isWorking(recorder.state)) {
    // The previous turn was interrupted (the process died mid-turn): close it honestly. Calls
    // it left without a result get one saying so, or the next request's history is invalid.
    const step = recorder.session.lastRequest?.step ?? 1;
    for (const call of unansweredToolCalls(recorder.session.messages)) {
      const error = { code: 'INTERRUPTED' as const, message: 'the process stopped before this call finished: whether it took effect is unknown' };
      recorder.record({
        type: 'tool.completed',
        step,
        callId: call.id,
        name: call.name,
        ok: false,
        output: JSON.stringify({ error }),
        error,
        durationMs: 0,
        resources: { wallMs: 0 },
      });
    }
    recorder.record({
      type: 'turn.failed',
      turn: recorder.session.turns,
      error: { code: 'INTERRUPTED', message: 'the turn was interrupted before it finished' },
    });
    recorder.moveTo('failed');
  }
  // Persisted events are queued and written in batches: no await between them.
  recorder.record({ type: 'turn.started', turn, input: options.input, ...(options.prompt ? { prompt: options.prompt } : {}) });
  recorder.moveTo('awaiting_llm');
  let usage = emptyUsage();
  let cost: number | undefined;
  let retried = false;
  const offered = options.toolNames ? new Set(options.toolNames) : undefined;
  // A tool's completion requests (MCP sampling) run on the turn's model, tallied in the session's log.
  const sample = createSessionSampler({
    model: options.model,
    ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
    used: (source) => recorder.session.sampledTokens?.[source] ?? 0,
    ...(options.prices ? { prices: options.prices } : {}),
  });
  try {
    for (let step = 1; step <= options.maxSteps; step += 1) {
      if (signal.aborted) throw new AgentboxError('CANCELLED', 'the turn was cancelled');
      const answer = await callModel(options, step, signal, offered);
      usage = addUsage(usage, answer.usage);
      if (answer.cost !== undefined) cost = Math.round(((cost ?? 0) + answer.cost) * 1e9) / 1e9;
      if (answer.toolCalls.length === 0) {
        let output: unknown;
        if (options.output) {
          const checked = checkOutput(options.output, answer.text);
          if (!checked.ok) {
            // One more try with the errors fed back: most misses are a field or a type.
            if (!retried) {
              retried = true;
              recorder.record({ type: 'output.invalid', step, issues: checked.issues, feedback: retryFeedback(checked.issues) });
              continue;
            }
            recorder.record({ type: 'output.invalid', step, issues: checked.issues });
            throw new AgentboxError(
              'OUTPUT_INVALID',
              formatIssues(checked.issues, { heading: 'the answer does not match the output schema, even after a retry' }),
              {
                details: { issues: checked.issues },
              },
            );
          }
          output = checked.value;
        }
        recorder.moveTo('completed');
        const durationMs = performance.now() - started;
        const priced = cost !== undefined ? { cost } : {};
        recorder.record({ type: 'turn.completed', turn, text: answer.text, usage, durationMs, ...(options.output ? { output } : {}), ...priced });
        await recorder.flush();
        return { text: answer.text, usage, steps: step, durationMs, ...(options.output ? { output } : {}), ...priced };
      }
      recorder.moveTo('running_tools');
      await options.executor.execute(answer.toolCalls, {
        sessionId: recorder.id,
        principal: options.principal,
        step,
        signal,
        ...(offered ? { offered } : {}),
        sample,
        ...(options.requestInput ? { requestInput: options.requestInput } : {}),
        emit: (payload) => recorder.record(payload),
        requestApproval: async (requests) => {
          const asked = options.requestApproval ? options.requestApproval(requests) : Promise.resolve(new Map<string, ApprovalDecision>());
          recorder.moveTo('awaiting_approval');
          // A cancelled turn stops waiting, whatever the approver (a prompt, a UI) is doing.
          const decisions = await untilAborted(
            asked,
            signal,
            () => new Map(requests.map((r) => [r.callId, { approved: false, by: 'system', reason: 'turn cancelled' }])),
          );
          recorder.moveTo('running_tools');
          return decisions;
        },
      });
      if (signal.aborted) throw new AgentboxError('CANCELLED', 'the turn was cancelled');
      recorder.moveTo('awaiting_llm');
    }
    throw new AgentboxError('MAX_STEPS', `stopped after ${options.maxSteps} model calls without a final answer (agent.maxSteps)`, {
      details: { maxSteps: options.maxSteps },
    });
  } catch (error) {
    await closeFailedTurn(recorder, turn, error, signal);
    throw error;
  }
}

interface ModelAnswer {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage | undefined;
  cost?: number;
}

/** The request for this step: the history under the window, the offered tools and, with an output schema, how it is asked for. */
async function requestFor(
  options: RunTurnOptions,
  step: number,
  signal: AbortSignal,
  offered: ReadonlySet<string> | undefined,
): Promise<{ request: ModelRequest; count: RequestCount; correction: number }> {
  const { registry } = options.executor;
  const all = registry.size > 0 ? registry.definitions() : [];
  const tools = offered ? all.filter((tool) => offered.has(tool.name)) : all;
  const model = options.modelId ?? options.model.modelId;
  const cache = options.context ?? defaultContextCache;
  const fittedHistory = await fitHistory({
    sessionId: options.recorder.id,
    messages: options.recorder.session.messages,
    model,
    tools,
    // A margin for what outputRequest adds (a schema message in JSON mode, an answer tool) and a summary.
    margin: (options.output ? 512 : 0) + (options.summarize ? options.summarize.maxTokens + SUMMARY_FRAME_TOKENS : 0),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    ...(options.contextLowWater !== undefined ? { lowWater: options.contextLowWater } : {}),
    correction: estimateCorrection(options.recorder.session.estimates?.[model]),
    cache,
  });
  const { dropped } = fittedHistory;
  // The log keeps every message; the event says what this request left out.
  if (dropped.to > dropped.from) options.recorder.record({ type: 'context.trimmed', step, ...dropped, keptTokens: fittedHistory.keptTokens });
  const fitted = options.summarize
    ? await insertSummary(fittedHistory, {
        recorder: options.recorder,
        model: options.model,
        policy: options.summarize,
        step,
        cache,
        signal,
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.prices ? { prices: options.prices } : {}),
      })
    : fittedHistory;
  const base = { messages: fitted.messages, ...(tools.length > 0 ? { tools } : {}) };
  const request: ModelRequest = {
    ...(options.output ? outputRequest(options.output, base.tools, base.messages) : base),
    signal,
    ...(options.modelId !== undefined ? { model: options.modelId } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
  const counted = countFittedRequest(request, fitted, { model, cache });
  const { correction } = fitted;
  const count: RequestCount = {
    messages: request.messages.length,
    ...counted,
    ...(correction !== 1 ? { correctedTokens: Math.ceil(counted.promptTokens * correction) } : {}),
    ...(dropped.to > dropped.from ? { dropped: { messages: dropped.messages, tokens: dropped.tokens } } : {}),
  };
  return { request, count, correction };
}

/** For runTurn callers that bring no cache of their own (a runtime does). */
const defaultContextCache = new ContextCache();

async function callModel(options: RunTurnOptions, step: number, signal: AbortSignal, offered: ReadonlySet<string> | undefined): Promise<ModelAnswer> {
  const { recorder, model } = options;
  const modelId = options.modelId ?? model.modelId;
  recorder.record({ type: 'llm.started', step, model: modelId });
  const started = performance.now();
  let firstTokenMs: number | undefined;
  let text = '';
  const calls: ToolCall[] = [];
  let usage: Usage | undefined;
  let count: RequestCount | undefined;
  let finishReason: FinishReason = 'unknown';
  try {
    const prepared = await requestFor(options, step, signal, offered);
    const { request } = prepared;
    count = prepared.count;
    // Never sent over the window: CONTEXT_OVERFLOW (recorded as llm.failed, then turn.failed).
    await preflightCount(request, { model: modelId, counted: count, correction: prepared.correction, ...(options.limits ? { limits: options.limits } : {}) });
    const stream = model.stream(request);
    for await (const part of stream) {
      switch (part.type) {
        case 'text-delta': {
          firstTokenMs ??= performance.now() - started;
          text += part.text;
          const wait = recorder.recordTextDelta(step, part.text);
          if (wait) await wait;
          break;
        }
        case 'tool-call-delta': {
          firstTokenMs ??= performance.now() - started;
          const wait = recorder.record({
            type: 'llm.tool-call-delta',
            step,
            index: part.index,
            argumentsDelta: part.argumentsDelta,
            ...(part.id ? { id: part.id } : {}),
            ...(part.name ? { name: part.name } : {}),
          });
          if (wait) await wait;
          break;
        }
        case 'tool-call':
          calls.push({ ...part.call, id: uniqueCallId(part.call.id || `call_${step}_${part.index}`, calls) });
          break;
        case 'usage':
          usage = part.usage;
          break;
        case 'retry':
          recorder.record({ type: 'llm.retry', step, attempt: part.attempt, delayMs: part.delayMs, error: part.error });
          break;
        case 'finish':
          finishReason = part.finishReason;
          break;
      }
    }
  } catch (error) {
    if (!isAbortError(error) && !signal.aborted) recorder.record({ type: 'llm.failed', step, error: serializeError(error) });
    throw error;
  }
  // In tool mode the answer tool's arguments are the answer: recorded as the assistant's text,
  // so the history never holds a call without a result (the next request would be refused).
  const answer = options.output ? answerCall(options.output, calls) : undefined;
  if (answer) {
    text = answer.arguments;
    calls.length = 0;
  }
  const price = priceFor(modelId, options.prices);
  const cost = price && usage ? callCost(usage, price) : undefined;
  recorder.record({
    type: 'llm.completed',
    step,
    model: modelId,
    text,
    toolCalls: calls,
    finishReason,
    usage: usage ?? emptyUsage(),
    durationMs: performance.now() - started,
    ...(firstTokenMs !== undefined ? { timeToFirstTokenMs: firstTokenMs } : {}),
    ...(count ? { request: count } : {}),
    ...(cost !== undefined ? { cost } : {}),
  });
  return { text, toolCalls: calls, usage, ...(cost !== undefined ? { cost } : {}) };
}

async function closeFailedTurn(recorder: SessionRecorder, turn: number, error: unknown, signal: AbortSignal): Promise<void> {
  try {
    if (isWorking(recorder.state)) {
      if (signal.aborted || isAbortError(error)) {
        recorder.record({ type: 'turn.cancelled', turn, reason: 'cancelled by the caller' });
        recorder.moveTo('cancelled');
      } else {
        recorder.record({ type: 'turn.failed', turn, error: serializeError(error) });
        recorder.moveTo('failed');
      }
    }
    await recorder.flush();
  } catch {
    // The store itself failed; the original error is the one worth reporting.
  }
}

/**
 * A model may repeat a tool-call id within one answer (some local models number every call
 * `call_0`). Approvals, results and events are keyed by id, so a repeat would make one
 * decision answer two calls and leave the turn waiting. The repeat gets a fresh id; the
 * assistant message is recorded with it, so the model sees each result matched to its call.
 */
function uniqueCallId(id: string, earlier: readonly ToolCall[]): string {
  if (!earlier.some((call) => call.id === id)) return id;
  for (let n = 2; ; n += 1) {
    const candidate = `${id}_${n}`;
    if (!earlier.some((call) => call.id === candidate)) return candidate;
  }
}
