import type { AuthConfigInput } from '../../src/auth/auth-config-schema.js';
import { createToolCallAuthorizer } from '../../src/auth/create-tool-call-authorizer.js';
import { createOpenAICompatibleModel } from '../../src/agent/llm/openai-compatible.js';
import { builtinTools } from '../../src/agent/tools/builtin/index.js';
import type { Tool } from '../../src/agent/tools/tool.js';
import { serverConfigSchema, type ServerConfigInput } from '../../src/config/server-config-schema.js';
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import { BaseRuntime } from '../../src/runtime/base-runtime.js';
import { createServerApp, type ServerApp, type ServerAppOptions } from '../../src/server/create-server-app.js';
import { createServerAuthorizer } from '../../src/server/create-server-authorizer.js';
import { MemorySessionStore } from '../../src/store/memory-session-store.js';
import { createPrometheusMetrics } from '../../src/node/server/prometheus-metrics.js';
import type { PromptRenderer } from '../../src/prompt/prompt-source.js';

/** A real runtime (memory store, loopback LLM server, built-in tools + extras) behind the app. */
export interface ServerHarness {
  llm: ScriptedLlmServer;
  runtime: BaseRuntime;
  server: ServerApp;
  /** `app.request` with an optional API key and JSON body. */
  call(path: string, init?: RequestInit & { key?: string; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<Omit<ServerAppOptions, 'runtime' | 'authorizer' | 'config'>> {
  config?: ServerConfigInput;
  auth?: AuthConfigInput;
  tools?: Tool[];
  /** Serve Prometheus metrics derived from the runtime's bus, as `agentbox serve` does. */
  prometheus?: boolean;
  /** The runtime's prompt renderer (stored prompts by name). */
  prompts?: PromptRenderer;
}

/** Keys used by tests: alice and bob are `user`s, admin is `admin`, reader may only read. */
export const keys = { alice: 'key-alice', bob: 'key-bob', admin: 'key-admin', reader: 'key-reader' } as const;

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}

export async function keyedConfig(extra: ServerConfigInput = {}): Promise<{ config: ServerConfigInput; auth: AuthConfigInput }> {
  return {
    config: {
      ...extra,
      apiKeys: [
        { sha256: await sha256(keys.alice), principal: 'alice' },
        { sha256: await sha256(keys.bob), principal: 'bob' },
        { sha256: await sha256(keys.admin), principal: 'root' },
        { sha256: await sha256(keys.reader), principal: 'reader' },
      ],
    },
    auth: {
      roles: { readonly: { allow: ['session:read:own'] } },
      principals: { alice: { roles: ['user'] }, bob: { roles: ['user'] }, root: { roles: ['admin'] }, reader: { roles: ['readonly'] } },
    },
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<ServerHarness> {
  const { config = {}, auth = {}, tools = [], prometheus = false, prompts, ...rest } = options;
  const llm = await startScriptedLlmServer();
  const authorizer = createServerAuthorizer(auth, serverConfigSchema.parse(config));
  const runtime = new BaseRuntime({
    store: new MemorySessionStore(),
    model: createOpenAICompatibleModel({ baseUrl: llm.url, model: 'test-model', maxRetries: 0 }),
    tools: [...builtinTools(), ...tools],
    authorize: createToolCallAuthorizer(authorizer),
    ...(prompts ? { prompts } : {}),
  });
  let server: ServerApp | undefined;
  const metrics = prometheus
    ? createPrometheusMetrics({
        events: runtime.stream({ overflow: 'drop-oldest' }),
        activeSessions: () => server?.activeTurns ?? 0,
        openStreams: () => server?.openStreams ?? 0,
      })
    : undefined;
  server = createServerApp({ runtime, authorizer, config, ...(metrics ? { metrics } : {}), ...rest });
  const app = server;
  return {
    llm,
    runtime,
    server: app,
    call(path, init = {}) {
      const { key, json, ...request } = init;
      const headers = new Headers(request.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return Promise.resolve(app.request(path, { ...request, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }));
    },
    async close() {
      await app.shutdown({ timeoutMs: 1000 });
      metrics?.close();
      await runtime.close();
      await llm.close();
    },
  };
}

export interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

/** Reads SSE messages from a response body as they arrive. */
export async function* readSse(response: Response): AsyncGenerator<SseMessage> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: SseMessage = { data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = line.slice(0, colon);
          const text = line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') message.event = text;
          else if (field === 'id') message.id = text;
          else if (field === 'data') data.push(text);
        }
        if (data.length === 0 && !message.event) continue;
        message.data = data.join('\n');
        yield message;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Collects SSE messages until `stop` says so (inclusive) or the stream ends. */
export async function collectSse(response: Response, stop?: (m: SseMessage) => boolean): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of readSse(response)) {
    out.push(message);
    if (stop?.(message)) break;
  }
  return out;
}
