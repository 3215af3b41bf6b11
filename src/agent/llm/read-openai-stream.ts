import { createParser, type ParseError } from 'eventsource-parser';
import { LlmError } from '../../errors/index.js';
import type { Usage } from '../../engine/messages.js';
import type { Redact } from './create-redactor.js';
import type { StreamPart } from './language-model.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { OpenAIStreamChunk } from './openai-wire.js';
import { ToolCallAssembler } from './tool-call-assembler.js';
import { toUsage } from './to-usage.js';

/** One SSE event larger than this is a broken or hostile server, not a model answer. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

export interface ReadOpenAIStreamOptions {
  body: ReadableStream<Uint8Array>;
  /** Endpoint as shown in errors (already free of credentials). */
  url: string;
  redact: Redact;
  /** Armed around each read, so the idle timeout counts only time spent waiting on the server. */
  watchdog?: { arm(): void; disarm(): void };
}

/**
 * Turns a Chat Completions SSE body into normalized parts. Throws LLM_PROTOCOL for a
 * malformed data line or a stream that ends before the model finished; transport errors
 * from the body propagate unchanged for the caller to classify (abort, timeout, cut).
 */
export async function* readOpenAIStream(options: ReadOpenAIStreamOptions): AsyncGenerator<StreamPart> {
  const { body, url, redact, watchdog } = options;
  const events: string[] = [];
  let overflow: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => events.push(event.data),
    // Unknown fields and bad `retry` values are ignored, as the SSE spec says; only overflow is fatal.
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = error;
    },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const toolCalls = new ToolCallAssembler();
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let sawDone = false;
  try {
    while (!sawDone) {
      watchdog?.arm();
      const { value, done } = await reader.read();
      watchdog?.disarm();
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      if (done) parser.reset({ consume: true });
      if (overflow) throw protocolError(`an event from the LLM at ${url} exceeded ${MAX_EVENT_CHARS} characters`, false);
      for (const data of events.splice(0)) {
        if (data.trim() === '[DONE]') {
          sawDone = true;
          break;
        }
        const chunk = parseChunk(data, url, redact);
        if (chunk.error !== undefined) {
          const message = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'unknown error');
          throw protocolError(`the LLM at ${url} reported an error mid-stream: ${redact(message, 2_000)}`, false);
        }
        if (chunk.usage) usage = toUsage(chunk.usage);
        // We never ask for n > 1, so only choice 0 matters.
        const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
        if (!choice) continue;
        if (choice.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
        const deltas = choice.delta?.tool_calls ?? [];
        const known = toolCalls.size;
        for (const [position, delta] of deltas.entries()) yield toolCalls.add(delta, known + position);
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (done) break;
    }
  } finally {
    // After [DONE] the body is ending: read it out so the connection returns to the
    // keep-alive pool (cancelling would close it and cost a new TCP connection per request).
    // On an error or an early break-off, cancel to release the connection at once.
    if (!sawDone || !(await readsToEnd(reader))) reader.cancel().catch(() => undefined);
  }
  if (!sawDone && finishReason === undefined) {
    throw protocolError(`the stream from the LLM at ${url} ended before the model finished (no finish_reason, no [DONE])`, true);
  }
  for (const { index, call } of toolCalls.finish()) yield { type: 'tool-call', index, call };
  if (usage) yield { type: 'usage', usage };
  yield { type: 'finish', finishReason: mapFinishReason(finishReason, toolCalls.size > 0) };
}

function parseChunk(data: string, url: string, redact: Redact): OpenAIStreamChunk {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as OpenAIStreamChunk;
  } catch {
    // Reported below with the offending line.
  }
  const excerpt = redact(data, 200);
  throw protocolError(`the LLM at ${url} sent a malformed stream event (not a JSON object): ${excerpt}`, false);
}

function protocolError(message: string, retryable: boolean): LlmError {
  return new LlmError('LLM_PROTOCOL', message, { retryable });
}

/** Reads what is left of a finished body; false if the server keeps it open past a short grace. */
async function readsToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 50)));
  try {
    for (let reads = 0; reads < 8; reads++) {
      const result = await Promise.race([reader.read(), grace]);
      if (result === 'late') return false;
      if (result.done) return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
