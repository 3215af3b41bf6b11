/**
 * The provider for any OpenAI-compatible Chat Completions endpoint: OpenAI, Ollama, vLLM,
 * llama.cpp server, LM Studio. Portable: global `fetch` only.
 */
import { AgentboxError, ConfigError, type LlmError } from '../../errors/index.js';
import type { LanguageModel, ModelRequest, StreamPart } from './language-model.js';
import type { OpenAIChatRequest } from './openai-wire.js';
import { createRedactor, safeUrl } from './create-redactor.js';
import { backoffDelay, cancelledError, sleep as defaultSleep } from './retry.js';
import { streamCompletionAttempt } from './stream-completion-attempt.js';
import { toOpenAIMessages, toOpenAITools } from './to-openai-messages.js';

export interface OpenAICompatibleModelOptions {
  /** Base URL including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never appears in errors or parts. */
  apiKey?: string;
  model: string;
  /** Longest silence from the server (before the headers, between stream chunks). Default 120 000. */
  timeoutMs?: number;
  /** Retries after a retryable failure, only before any part was yielded. Default 3. */
  maxRetries?: number;
  fetch?: typeof fetch;
  /** Waits between retries; must reject when `signal` aborts. Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Extra request headers (e.g. `api-key` for Azure); they override ours. */
  headers?: Record<string, string>;
}

/** A server asking for a longer pause than this gets its error surfaced instead of a silent wait. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * @example
 * const model = createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' });
 * for await (const part of model.stream({ messages: [{ role: 'user', content: 'hi' }] })) {
 *   if (part.type === 'text-delta') process.stdout.write(part.text);
 * }
 */
export function createOpenAICompatibleModel(options: OpenAICompatibleModelOptions): LanguageModel {
  if (!/^https?:\/\//i.test(options.baseUrl) || safeUrl(options.baseUrl) === '(invalid URL)') {
    throw new ConfigError([{ path: 'llm.baseUrl', message: 'must be an http(s) URL such as http://127.0.0.1:11434/v1' }]);
  }
  if (!options.model) {
    throw new ConfigError([{ path: 'llm.model', message: 'no model named: set AGENTBOX_MODEL or llm.model' }]);
  }
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const url = safeUrl(endpoint);
  // Extra headers (Azure's `api-key`, a gateway token) are as secret as the key.
  const redact = createRedactor([options.apiKey, ...Object.values(options.headers ?? {}).filter((v) => v.length >= 8)]);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 3;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...options.headers,
  };

  async function* stream(request: ModelRequest): AsyncGenerator<StreamPart> {
    const { signal } = request;
    const body = JSON.stringify(toRequestBody(options.model, request));
    for (let retry = 0; ; retry++) {
      let delivered = false;
      try {
        const attempt = streamCompletionAttempt({ endpoint, url, headers, body, timeoutMs, fetch: doFetch, signal, redact });
        for await (const part of attempt) {
          delivered = true;
          yield part;
        }
        return;
      } catch (error) {
        // Never replay a half-delivered stream: the caller already acted on its parts.
        if (delivered || retry >= maxRetries || signal?.aborted || !isRetryable(error)) throw error;
        const delayMs = error.retryAfterMs ?? backoffDelay({ attempt: retry + 1, random: options.random });
        if (delayMs > MAX_RETRY_AFTER_MS) throw error;
        yield {
          type: 'retry',
          attempt: retry + 1,
          delayMs,
          error: { code: error.code, message: error.message, ...(error.status !== undefined ? { status: error.status } : {}) },
        };
        try {
          await sleep(delayMs, signal);
        } catch (sleepError) {
          if (signal?.aborted) throw cancelledError(signal);
          throw sleepError;
        }
        if (signal?.aborted) throw cancelledError(signal);
      }
    }
  }

  return { specificationVersion: 'v1', provider: 'openai-compatible', modelId: options.model, stream };
}

function toRequestBody(model: string, request: ModelRequest): OpenAIChatRequest {
  const format = request.responseFormat;
  const choice = request.toolChoice;
  return {
    model: request.model ?? model,
    messages: toOpenAIMessages(request.messages),
    ...(request.tools?.length ? { tools: toOpenAITools(request.tools) } : {}),
    ...(choice ? { tool_choice: choice === 'required' ? 'required' : { type: 'function', function: { name: choice.name } } } : {}),
    ...(format?.type === 'json_schema'
      ? { response_format: { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } } }
      : format
        ? { response_format: { type: 'json_object' } }
        : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    // `max_tokens` rather than the newer `max_completion_tokens`: every compatible server reads it.
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.stopSequences?.length ? { stop: request.stopSequences } : {}),
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** Checked structurally, so an LlmError from a duplicated package copy still counts. */
function isRetryable(error: unknown): error is LlmError {
  return AgentboxError.isInstance(error) && (error as Partial<LlmError>).retryable === true;
}
