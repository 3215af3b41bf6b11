import type { ServerResponse } from 'node:http';
import {
  completionObject,
  resolveUsage,
  splitText,
  streamChunk,
  toolCallDeltas,
  toWireCalls,
  type ChunkContext,
  type WireToolCall,
} from '../../testing/openai-chunks.js';
import type { RecordedRequest, ScriptedResponse, ScriptedUsage } from '../../testing/scripted-response.js';

export interface WriteScriptedResponseOptions {
  res: ServerResponse;
  script: ScriptedResponse;
  request: RecordedRequest;
  context: ChunkContext;
  /** Aborts when the client goes away, so delays stop early and nothing is written to a dead socket. */
  closed: AbortSignal;
}

const DEFAULT_CHUNKS = 3;

/** Answers one request as `script` says, speaking the real Chat Completions wire format. */
export async function writeScriptedResponse(options: WriteScriptedResponseOptions): Promise<void> {
  const { res, script, request, context, closed } = options;
  if (script.delayMs) await pause(script.delayMs, closed);
  if (closed.aborted) return;
  const headers = script.headers ?? {};
  switch (script.type) {
    case 'error': {
      const body = script.body ?? { error: { message: script.message ?? 'scripted error', type: 'scripted_error', code: null } };
      const isText = typeof body === 'string';
      res.writeHead(script.status, { 'content-type': isText ? 'text/plain' : 'application/json', ...headers });
      res.end(isText ? body : JSON.stringify(body));
      return;
    }
    case 'raw': {
      res.writeHead(script.status ?? 200, { 'content-type': 'text/event-stream', ...headers });
      const sse = new SseWriter(res, closed, script.chunkDelayMs);
      for (const piece of typeof script.body === 'string' ? [script.body] : script.body) await sse.raw(piece);
      res.end();
      return;
    }
    case 'json':
      return sendJson(options, script.text, toWireCalls(script.calls ?? [], context.turn), script.finishReason, script.usage);
    case 'text':
    case 'tool-calls': {
      const calls = script.type === 'tool-calls' ? toWireCalls(script.calls, context.turn) : [];
      // Like a real server, honour the request: no `stream: true`, no stream.
      if (request.body.stream !== true) return sendJson(options, script.text, calls, script.finishReason, script.usage);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      const sse = new SseWriter(res, closed, script.chunkDelayMs);
      const pieces = script.chunks ?? DEFAULT_CHUNKS;
      await sse.event(streamChunk(context, { role: 'assistant', content: '' }));
      for (const text of splitText(script.text ?? '', pieces)) await sse.event(streamChunk(context, { content: text }));
      const interleave = script.type === 'tool-calls' && script.interleave === true;
      for (const toolCalls of toolCallDeltas(calls, pieces, interleave)) await sse.event(streamChunk(context, { tool_calls: toolCalls }));
      await sse.event(streamChunk(context, {}, script.finishReason ?? (calls.length ? 'tool_calls' : 'stop')));
      if (script.usage !== false && request.body.stream_options?.include_usage === true) {
        const usage = resolveUsage(script.usage, request, answerLength(script.text, calls));
        await sse.event({ ...streamChunk(context, {}), choices: [], usage });
      }
      if (!script.omitDone) await sse.raw('data: [DONE]\n\n');
      res.end();
      return;
    }
    case 'malformed': {
      res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
      const sse = new SseWriter(res, closed);
      await sse.event(streamChunk(context, { role: 'assistant', content: '' }));
      for (const text of splitText(script.text ?? '', DEFAULT_CHUNKS)) await sse.event(streamChunk(context, { content: text }));
      await sse.raw(`${script.line ?? 'data: {"choices": [ this is not json'}\n\n`);
      res.end();
      return;
    }
    case 'cut': {
      res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
      const sse = new SseWriter(res, closed);
      const pieces = splitText(script.text, script.chunks ?? DEFAULT_CHUNKS);
      const after = script.after ?? Math.floor(pieces.length / 2);
      await sse.event(streamChunk(context, { role: 'assistant', content: '' }));
      for (const text of pieces.slice(0, after)) await sse.event(streamChunk(context, { content: text }));
      if (script.mode === 'end') res.end();
      else res.socket?.destroy();
      return;
    }
  }
}

function sendJson(
  options: WriteScriptedResponseOptions,
  text: string | undefined,
  calls: WireToolCall[],
  finishReason: string | undefined,
  usage: ScriptedUsage | false | undefined,
): void {
  const { res, request, context, script } = options;
  const body = completionObject(context, {
    text,
    calls,
    finishReason: finishReason ?? (calls.length ? 'tool_calls' : 'stop'),
    usage: usage === false ? undefined : resolveUsage(usage, request, answerLength(text, calls)),
  });
  res.writeHead(200, { 'content-type': 'application/json', ...script.headers });
  res.end(JSON.stringify(body));
}

function answerLength(text: string | undefined, calls: WireToolCall[]): number {
  return (text ?? '').length + calls.reduce((sum, call) => sum + call.function.name.length + call.function.arguments.length, 0);
}

/** Writes SSE events one at a time, each flushed before the next, with an optional pause between. */
class SseWriter {
  private first = true;

  constructor(
    private readonly res: ServerResponse,
    private readonly closed: AbortSignal,
    private readonly delayMs = 0,
  ) {}

  event(payload: object): Promise<void> {
    return this.raw(`data: ${JSON.stringify(payload)}\n\n`);
  }

  async raw(text: string): Promise<void> {
    if (!this.first && this.delayMs > 0) await pause(this.delayMs, this.closed);
    this.first = false;
    if (this.closed.aborted) return;
    // A write to a socket the client dropped may never call back; the close signal ends the wait.
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.closed.removeEventListener('abort', done);
        resolve();
      };
      this.closed.addEventListener('abort', done, { once: true });
      this.res.write(text, done);
    });
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then checks `aborted`). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
