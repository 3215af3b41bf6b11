import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest, RecordedRequestBody, ScriptedEntry, ScriptedResponse } from '../../testing/scripted-response.js';
import { writeScriptedResponse } from './write-scripted-response.js';

export interface ScriptedLlmServerOptions {
  /** Initial queue; each chat completion request takes the next entry. */
  responses?: ScriptedEntry[];
  /**
   * What to answer when the queue is empty. A fixed response repeats forever, a function
   * computes each answer (benchmarks: unlimited instant answers). Default: HTTP 400 with
   * "no scripted response left" — 400 so a client fails at once instead of retrying.
   */
  fallback?: ScriptedEntry;
  /** Keep every request in `requests` (default true); turn off for long benchmarks. */
  recordRequests?: boolean;
  /** Model id reported in answers when the request names none, and listed by `GET /v1/models`. */
  model?: string;
}

export interface ScriptedLlmServer {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  /** Chat completion requests received, in order (empty if `recordRequests` is false). */
  readonly requests: RecordedRequest[];
  /** Chat completion requests received so far, recorded or not. */
  readonly requestCount: number;
  /** Scripted entries not yet consumed. */
  readonly pending: number;
  enqueue(...responses: ScriptedEntry[]): void;
  setFallback(fallback: ScriptedEntry): void;
  /** Drops open connections (including ones in a delay) and stops listening. */
  close(): Promise<void>;
}

const noScriptLeft = (request: RecordedRequest): ScriptedResponse => ({
  type: 'error',
  status: 400,
  body: {
    error: {
      message: `scripted LLM server: no scripted response left for request #${request.index + 1}`,
      type: 'scripted_queue_empty',
      code: null,
    },
  },
});

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 whose answers are scripted per test.
 *
 * @example
 * const llm = await startScriptedLlmServer();
 * llm.enqueue({ type: 'text', text: 'Hello there', chunks: 3 });
 * const model = createOpenAICompatibleModel({ baseUrl: llm.url, model: 'test' });
 * // … stream, then inspect llm.requests[0].body.messages
 * await llm.close();
 */
export async function startScriptedLlmServer(options: ScriptedLlmServerOptions = {}): Promise<ScriptedLlmServer> {
  const queue: ScriptedEntry[] = [...(options.responses ?? [])];
  let fallback: ScriptedEntry = options.fallback ?? noScriptLeft;
  const requests: RecordedRequest[] = [];
  const record = options.recordRequests ?? true;
  const defaultModel = options.model ?? 'scripted-model';
  let count = 0;

  async function handleChat(req: IncomingMessage, res: ServerResponse, path: string, rawBody: string): Promise<void> {
    let body: RecordedRequestBody;
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as RecordedRequestBody;
    } catch {
      return sendError(res, 400, 'request body must be a JSON object');
    }
    const request: RecordedRequest = { index: count++, method: req.method ?? 'POST', path, headers: flatHeaders(req), body, rawBody };
    if (record) requests.push(request);
    const entry = queue.shift() ?? fallback;
    const script = typeof entry === 'function' ? await entry(request) : entry;
    const closed = new AbortController();
    // Only a client that went away aborts the script (an AbortError per finished response is waste).
    res.on('close', () => {
      if (!res.writableFinished) closed.abort();
    });
    const context = {
      id: `chatcmpl-scripted-${request.index + 1}`,
      model: typeof body.model === 'string' ? body.model : defaultModel,
      created: Math.floor(Date.now() / 1000),
      turn: request.index + 1,
    };
    await writeScriptedResponse({ res, script, request, context, closed: closed.signal });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'POST' && path.endsWith('/chat/completions')) return handleChat(req, res, path, rawBody);
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: defaultModel, object: 'model', created: 0, owned_by: 'agentbox' }] }));
      return;
    }
    sendError(res, 404, `scripted LLM server: no route for ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    // Browsers (the web runtime's worker) call the endpoint cross-origin: allow it, as
    // local LLM servers such as Ollama and llama.cpp do.
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    handle(req, res).catch((error: unknown) => {
      // A bug in a responder must reach the test as a visible failure, not a hang.
      if (!res.headersSent) sendError(res, 500, `scripted LLM server failed: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get requestCount() {
      return count;
    },
    get pending() {
      return queue.length;
    },
    enqueue: (...responses) => void queue.push(...responses),
    setFallback: (entry) => void (fallback = entry),
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function sendError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
}
