import type { ChatMessage } from '../../engine/messages.js';
import type { ModelRequest, ToolDefinition } from '../llm/language-model.js';
import type { ContextCache, MessageCounter } from './context-cache.js';
import { modelLimits, type ModelLimitOverrides } from './model-limits.js';
import { trimWithLedger, type TrimmedHistory } from './trim-history.js';

export interface FitHistoryOptions {
  sessionId: string;
  /** The session's whole history (the log's messages). */
  messages: readonly ChatMessage[];
  model: string;
  /** The tools the request offers. */
  tools: readonly ToolDefinition[];
  limits?: ModelLimitOverrides;
  /** The request's `maxTokens`, else the model's output limit is reserved. */
  maxTokens?: number;
  /** Tokens kept free for what the request adds after the history (a schema message). */
  margin?: number;
  /** Config `agent.context.lowWater` (default 0.6). */
  lowWater?: number;
  /** For an estimate: the session's reported/estimated ratio (see estimateCorrection); default 1. */
  correction?: number;
  cache: ContextCache;
}

export interface FittedHistory extends TrimmedHistory {
  /** Tokens the history may take: the window less the reserved output, the tools, the priming and the margin (in estimate units for an estimate). */
  budget: number;
  /** The factor applied to estimates (1 for exact counts). */
  correction: number;
  counter: MessageCounter;
}

/**
 * The history a request to `model` sends: all of it when it fits, else trimmed by the
 * `agent.context` policy (see trimHistory). Incremental: the session's ledger counts only the
 * messages added since its previous request, and reuses that request's cut while it fits.
 */
export async function fitHistory(options: FitHistoryOptions): Promise<FittedHistory> {
  const { cache, model, messages } = options;
  const limits = modelLimits(model, options.limits);
  const counter = await cache.counter(model);
  const reserve = options.maxTokens ?? limits.maxOutputTokens;
  // The window less the reserve and margin, in the counter's own units: an estimate that
  // runs low by the session's ratio gets that much less room.
  const correction = counter.exact ? 1 : (options.correction ?? 1);
  const room = Math.floor((limits.contextWindow - reserve - (options.margin ?? 0)) / correction);
  const budget = room - cache.toolTokens(model, options.tools, counter) - 3;
  const ledger = cache.ledger(options.sessionId, model, counter).sync(messages);
  const trimmed = trimWithLedger(messages, ledger, {
    budget,
    lowWater: options.lowWater ?? 0.6,
    ...(ledger.cut !== undefined ? { previousCut: ledger.cut } : {}),
  });
  if (trimmed.dropped.to > trimmed.dropped.from) ledger.cut = trimmed.dropped.to;
  return { ...trimmed, budget, correction, counter };
}

/**
 * The prompt tokens of `request`, built around `fitted.messages`: the sums the fit already
 * has, plus whatever was added after them (a JSON-mode schema message), plus the tools (an
 * answer tool included) — exactly what is sent, without tokenizing the history again.
 */
export function countFittedRequest(
  request: ModelRequest,
  fitted: FittedHistory,
  options: { model: string; cache: ContextCache },
): { promptTokens: number; exact: boolean } {
  const { counter } = fitted;
  const kept = fitted.messages;
  const sent = request.messages;
  let tokens = 3;
  const extends_ = sent.length >= kept.length && sent[0] === kept[0] && sent[kept.length - 1] === kept[kept.length - 1];
  if (extends_) {
    tokens += fitted.keptTokens;
    for (let i = kept.length; i < sent.length; i += 1) tokens += counter.count(sent[i] as ChatMessage);
  } else {
    for (const message of sent) tokens += counter.count(message);
  }
  tokens += options.cache.toolTokens(options.model, request.tools, counter);
  return { promptTokens: tokens, exact: counter.exact };
}
