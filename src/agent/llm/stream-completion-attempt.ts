import { AgentboxError, LlmError } from '../../errors/index.js';
import { completionToParts } from './completion-to-parts.js';
import { httpErrorFromResponse } from './http-error-from-response.js';
import type { Redact } from './create-redactor.js';
import type { StreamPart } from './language-model.js';
import { readOpenAIStream } from './read-openai-stream.js';
import { cancelledError } from './retry.js';

export interface StreamCompletionAttemptOptions {
  endpoint: string;
  /** `endpoint` as shown in errors (no credentials). */
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Longest silence from the server: before the headers, and between two reads. */
  timeoutMs: number;
  fetch: typeof fetch;
  signal?: AbortSignal;
  redact: Redact;
}

/**
 * One HTTP round trip to `/chat/completions`, yielding normalized parts. Every failure
 * leaves as an AgentboxError: CANCELLED, LLM_TIMEOUT, LLM_UNREACHABLE, LLM_HTTP or
 * LLM_PROTOCOL; `retryable` on the LlmError says whether another attempt may help.
 */
export async function* streamCompletionAttempt(options: StreamCompletionAttemptOptions): AsyncGenerator<StreamPart> {
  const { signal, timeoutMs, url, redact } = options;
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingSince: number | undefined;
  // The watchdog counts only time spent waiting on the server, never time our consumer holds
  // a part. It is armed and disarmed around every read, so it keeps one lazy timer instead of
  // resetting a timer per chunk: when the timer fires it checks how long the current wait is.
  const check = (): void => {
    timer = undefined;
    if (waitingSince === undefined) return;
    const waited = performance.now() - waitingSince;
    if (waited >= timeoutMs) {
      timedOut = true;
      controller.abort();
      return;
    }
    timer = setTimeout(check, timeoutMs - waited);
  };
  const watchdog = {
    arm: (): void => {
      waitingSince = performance.now();
      timer ??= setTimeout(check, timeoutMs);
    },
    disarm: (): void => {
      waitingSince = undefined;
    },
  };
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let phase: 'connect' | 'response' = 'connect';
  try {
    if (signal?.aborted) throw cancelledError(signal);
    watchdog.arm();
    const response = await options.fetch(options.endpoint, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      signal: controller.signal,
    });
    phase = 'response';
    if (!response.ok) throw await httpErrorFromResponse({ response, url, redact });
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      const text = await response.text();
      watchdog.disarm();
      yield* completionToParts({ text, url, redact });
      return;
    }
    watchdog.disarm();
    if (!response.body) throw new LlmError('LLM_PROTOCOL', `the LLM at ${url} answered with an empty body`, { retryable: true });
    yield* readOpenAIStream({ body: response.body, url, redact, watchdog });
  } catch (error) {
    throw classify(error);
  } finally {
    watchdog.disarm();
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }

  function classify(error: unknown): AgentboxError {
    // An abort or a timeout shows up as some AbortError or socket error; our flags say which.
    if (signal?.aborted) return cancelledError(signal);
    if (timedOut) {
      return new LlmError('LLM_TIMEOUT', `the LLM at ${url} sent nothing for ${timeoutMs} ms (llm.timeoutMs)`, {
        retryable: true,
      });
    }
    if (AgentboxError.isInstance(error)) return error;
    const reason = redact(describeCause(error));
    if (phase === 'connect') {
      // No `cause`: a transport error can quote header values, and the API key is one.
      return new LlmError(
        'LLM_UNREACHABLE',
        `cannot reach the LLM at ${url} (${reason}). Start an OpenAI-compatible server there, or point agentbox ` +
          'at one: set OPENAI_BASE_URL (with OPENAI_API_KEY and AGENTBOX_MODEL as needed) or pass --base-url.',
        { retryable: true, details: { reason } },
      );
    }
    return new LlmError('LLM_PROTOCOL', `the connection to the LLM at ${url} was lost mid-response (${reason})`, {
      retryable: true,
      details: { reason },
    });
  }
}

/** The most specific reason a fetch failure carries (undici puts `ECONNREFUSED` etc. in `cause`). */
function describeCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') {
    return typeof cause.message === 'string' && cause.message ? `${cause.code}: ${cause.message}` : cause.code;
  }
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
