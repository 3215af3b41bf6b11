import { AgentboxError, serializeError } from '../../errors/agentbox-error.js';
import type { EventPayload, FinishReason, SamplingStopReason } from '../../engine/events.js';
import { emptyUsage, type ChatMessage, type Usage } from '../../engine/messages.js';
import { countMessageTokens, countTextTokens } from '../../prompt/tokens/count-tokens.js';
import type { LanguageModel, ModelRequest } from '../llm/language-model.js';
import { callCost, priceFor, type ModelPrice } from '../usage/price-usage.js';
import type { SampleRequest, SampleResult } from './tool-sampling.js';

export interface SessionSamplerOptions {
  /** The model, or a factory called on the first request (a tool-call session may never sample). */
  model: LanguageModel | (() => LanguageModel);
  /** The session's model id when the request names none (a prompt file's `model:`); default the model's own. */
  modelId?: string;
  /** Tokens `source` has used in this session so far: the fold of its `mcp.sampled` events. */
  used: (source: string) => number;
  /** Config `llm.prices`: the completion's cost is recorded when its model has one. */
  prices?: Readonly<Record<string, ModelPrice>>;
}

/** The call a request is made during: where its event goes. */
export interface SampleCall {
  step: number;
  callId: string;
  signal: AbortSignal;
  emit: (payload: EventPayload) => void | Promise<void> | undefined;
}

/** One session's sampling: `ToolContext.sample` with the call bound (see ToolExecutor). */
export type SessionSampler = (request: SampleRequest, call: SampleCall) => Promise<SampleResult>;

/**
 * Runs tools' completion requests on a session's model, each under its source's budget of
 * prompt + completion tokens per session. The tally is the session's (folded from its
 * `mcp.sampled` events, so it survives a restart) plus what requests in flight have reserved:
 * two requests at once cannot both spend the last of a budget. A request is refused when
 * its prompt alone does not fit what is left; its answer is limited to the rest. Every
 * request — answered, refused or failed — is recorded as `mcp.sampled`.
 */
export function createSessionSampler(options: SessionSamplerOptions): SessionSampler {
  const reserved = new Map<string, number>();
  let resolved: LanguageModel | undefined;
  const model = (): LanguageModel => {
    resolved ??= typeof options.model === 'function' ? options.model() : options.model;
    return resolved;
  };
  return async (request, call) => {
    const started = performance.now();
    const { source } = request;
    let modelId = request.model ?? options.modelId ?? '';
    let maxTokens = 0;
    const record = (fields: { text: string; usage: Usage; stopReason?: SamplingStopReason; error?: unknown; cost?: number }) =>
      call.emit({
        type: 'mcp.sampled',
        step: call.step,
        callId: call.callId,
        server: source,
        model: modelId,
        messages: request.messages.length,
        maxTokens,
        text: fields.text,
        ...(fields.stopReason ? { stopReason: fields.stopReason } : {}),
        usage: fields.usage,
        durationMs: performance.now() - started,
        ...(fields.cost !== undefined ? { cost: fields.cost } : {}),
        ...(fields.error !== undefined ? { error: serializeError(fields.error) } : {}),
      });
    let language: LanguageModel;
    try {
      language = model();
    } catch (error) {
      await record({ text: '', usage: emptyUsage(), error });
      throw error;
    }
    modelId ||= language.modelId;
    const media = request.messages.findIndex((m) => m.content.some((c) => c.type !== 'text'));
    if (media >= 0) {
      const kind = request.messages[media]?.content.find((c) => c.type !== 'text')?.type;
      const error = new AgentboxError(
        'MCP_SAMPLING_REFUSED',
        `MCP server '${source}' sent ${kind} content (message ${media + 1}), and the model ${modelId} takes text only`,
        {
          details: { server: source },
        },
      );
      await record({ text: '', usage: emptyUsage(), error });
      throw error;
    }
    const messages: ChatMessage[] = [
      ...(request.systemPrompt ? [{ role: 'system' as const, content: request.systemPrompt }] : []),
      ...request.messages.map((m): ChatMessage => ({ role: m.role, content: m.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') })),
    ];
    const spent = options.used(source) + (reserved.get(source) ?? 0);
    const left = request.budgetTokens - spent;
    const prompt = (await countMessageTokens(messages, { model: modelId })).tokens;
    if (prompt >= left) {
      const error = new AgentboxError(
        'MCP_SAMPLING_REFUSED',
        left <= 0
          ? `MCP server '${source}' has used its sampling budget for this session (${spent} of ${request.budgetTokens} tokens; tools.mcp.servers.${source}.sampling.maxTokens)`
          : `MCP server '${source}' asked for a completion whose prompt takes about ${prompt} tokens, more than the ${left} left of its sampling budget for this session (${request.budgetTokens} tokens; tools.mcp.servers.${source}.sampling.maxTokens)`,
        { details: { server: source, usedTokens: spent, budgetTokens: request.budgetTokens } },
      );
      await record({ text: '', usage: emptyUsage(), error });
      throw error;
    }
    maxTokens = Math.min(request.maxTokens, left - prompt);
    reserved.set(source, (reserved.get(source) ?? 0) + prompt + maxTokens);
    let text = '';
    let reported: Usage | undefined;
    let finish: FinishReason = 'unknown';
    try {
      const modelRequest: ModelRequest = {
        messages,
        maxTokens,
        signal: request.signal ? AbortSignal.any([call.signal, request.signal]) : call.signal,
        ...(request.model !== undefined || options.modelId !== undefined ? { model: modelId } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.stopSequences?.length ? { stopSequences: request.stopSequences } : {}),
      };
      for await (const part of language.stream(modelRequest)) {
        if (part.type === 'text-delta') text += part.text;
        else if (part.type === 'usage') reported = part.usage;
        else if (part.type === 'finish') finish = part.finishReason;
      }
    } catch (error) {
      await record({ text, usage: emptyUsage(), error });
      throw error;
    } finally {
      reserved.set(source, (reserved.get(source) ?? 0) - prompt - maxTokens);
    }
    // A server that reports no usage must not sample for free: the budget counts an estimate.
    const usage = reported ?? estimatedUsage(prompt, (await countTextTokens(text, { model: modelId })).tokens);
    const stopReason = stopReasonOf(finish);
    const price = priceFor(modelId, options.prices);
    await record({ text, usage, stopReason, ...(price ? { cost: callCost(usage, price) } : {}) });
    return { text, model: modelId, stopReason, usage };
  };
}

function estimatedUsage(promptTokens: number, completionTokens: number): Usage {
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

/** OpenAI-compatible servers do not say whether a stop sequence ended the answer: `stop` is the end of the turn. */
function stopReasonOf(finish: FinishReason): SamplingStopReason {
  return finish === 'length' ? 'maxTokens' : 'endTurn';
}
