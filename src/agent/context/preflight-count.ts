import { AgentboxError } from '../../errors/agentbox-error.js';
import { countMessageTokens, countTextTokens } from '../../prompt/tokens/count-tokens.js';
import type { ModelRequest } from '../llm/language-model.js';
import { modelLimits, type ModelLimitOverrides } from './model-limits.js';

export interface PreflightCount {
  /** Messages and tool definitions, as they will be sent (an estimate corrected by `correction`). */
  promptTokens: number;
  /** Output reserved: the request's `maxTokens`, else the model's limit. */
  reservedOutput: number;
  contextWindow: number;
  /** False: an estimate (a model whose tokenizer is unknown). */
  exact: boolean;
}

/**
 * Counts exactly what `request` will send to `model` — messages, tool definitions (by the
 * text of their JSON: OpenAI does not publish its framing), the reserved output — and throws
 * CONTEXT_OVERFLOW rather than let a request over the window leave. `counted`: the prompt's
 * tokens already counted (a session's requests: see countFittedRequest), so nothing is
 * tokenized again.
 */
export async function preflightCount(
  request: ModelRequest,
  options: {
    model: string;
    limits?: ModelLimitOverrides;
    counted?: { promptTokens: number; exact: boolean };
    /** For an estimate: the session's reported/estimated ratio (see estimateCorrection); default 1. */
    correction?: number;
  },
): Promise<PreflightCount> {
  const limits = modelLimits(options.model, options.limits);
  let counted = options.counted;
  if (!counted) {
    const messages = await countMessageTokens(request.messages, { model: options.model });
    let promptTokens = messages.tokens;
    if (request.tools?.length) promptTokens += (await countTextTokens(JSON.stringify(request.tools), { model: options.model })).tokens;
    counted = { promptTokens, exact: messages.exact };
  }
  const { exact } = counted;
  const correction = exact ? 1 : (options.correction ?? 1);
  const promptTokens = correction === 1 ? counted.promptTokens : Math.ceil(counted.promptTokens * correction);
  const reservedOutput = request.maxTokens ?? limits.maxOutputTokens;
  const count = { promptTokens, reservedOutput, contextWindow: limits.contextWindow, exact };
  if (promptTokens + reservedOutput > limits.contextWindow) {
    const label = count.exact
      ? ''
      : correction === 1
        ? ' (estimated)'
        : ` (estimated: ${counted.promptTokens} × ${correction.toFixed(2)}, the ratio this session's server reported)`;
    throw new AgentboxError(
      'CONTEXT_OVERFLOW',
      `the request takes ${promptTokens} tokens${label} plus ${reservedOutput} reserved for the answer, over the ${limits.contextWindow}-token context window of ${options.model} (set llm.contextWindow if the model's window is larger)`,
      { details: { tokens: promptTokens, exact: count.exact, contextWindow: limits.contextWindow, reservedOutput } },
    );
  }
  return count;
}
