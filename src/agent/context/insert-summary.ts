import { emptyUsage } from '../../engine/messages.js';
import type { SessionRecorder } from '../../engine/session-recorder.js';
import type { LanguageModel } from '../llm/language-model.js';
import { callCost, priceFor, type ModelPrice } from '../usage/price-usage.js';
import type { ContextCache } from './context-cache.js';
import type { FittedHistory } from './fit-history.js';
import { modelLimits, type ModelLimitOverrides } from './model-limits.js';
import { clipToTokens, summarizeDropped } from './summarize-dropped.js';

/** Config `agent.context.summarize` / `summaryMaxTokens`, as the runtime hands it to a turn. */
export interface SummaryPolicy {
  /** Another model for the summary; absent: the session's. */
  model?: string;
  maxTokens: number;
}

/** Tokens the summary message takes beyond the summary itself (its heading and framing). */
export const SUMMARY_FRAME_TOKENS = 32;

/**
 * A trimmed history with the summary of what was left out in its place, right after the
 * system prompt and pinned messages. The session's summary is reused while it covers exactly
 * the range left out (the cut stays put for many turns: the prefix stays cacheable); when
 * more is dropped, one model call folds the newly dropped messages into it, recorded as
 * `context.summarized`.
 */
export async function insertSummary(
  fitted: FittedHistory,
  options: {
    recorder: SessionRecorder;
    model: LanguageModel;
    policy: SummaryPolicy;
    step: number;
    cache: ContextCache;
    limits?: ModelLimitOverrides;
    prices?: Readonly<Record<string, ModelPrice>>;
    signal?: AbortSignal;
  },
): Promise<FittedHistory> {
  const { dropped } = fitted;
  if (dropped.to <= dropped.from) return fitted;
  const { recorder, policy } = options;
  const session = recorder.session;
  let summary = session.summary;
  if (summary?.from !== dropped.from || summary.to !== dropped.to) {
    const modelId = policy.model ?? options.model.modelId;
    const limits = modelLimits(modelId, options.limits);
    const result = await summarizeDropped({
      model: options.model,
      ...(policy.model !== undefined ? { modelId: policy.model } : {}),
      messages: session.messages,
      from: dropped.from,
      to: dropped.to,
      ...(summary && summary.to <= dropped.to ? { previous: summary } : {}),
      maxTokens: policy.maxTokens,
      budget: Math.floor((limits.contextWindow - policy.maxTokens) / fitted.correction) - 3,
      countText: fitted.counter.text,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // What is recorded is what is sent: never longer than the room kept for it.
    const text = clipToTokens(result.text, Math.floor(policy.maxTokens / fitted.correction), fitted.counter.text);
    const price = priceFor(result.model, options.prices);
    recorder.record({
      type: 'context.summarized',
      step: options.step,
      from: result.from,
      to: result.to,
      summary: text,
      model: result.model,
      usage: result.usage ?? emptyUsage(),
      durationMs: result.durationMs,
      ...(result.omittedMessages > 0 ? { omittedMessages: result.omittedMessages } : {}),
      ...(price && result.usage ? { cost: callCost(result.usage, price) } : {}),
    });
    summary = { from: result.from, to: result.to, text };
  }
  const message = options.cache.summaryMessage(recorder.id, summary.text);
  // The kept history ends with messages [to, n): the summary goes just before them.
  const at = fitted.messages.length - (session.messages.length - dropped.to);
  return {
    ...fitted,
    messages: [...fitted.messages.slice(0, at), message, ...fitted.messages.slice(at)],
    keptTokens: fitted.keptTokens + fitted.counter.count(message),
  };
}
