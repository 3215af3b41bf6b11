/**
 * The service app (`createServerApp`) on a real socket with the page's files, for
 * debugging the page's server mode without the CLI. Tests use `agentbox serve` itself.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createToolCallAuthorizer } from '../../../src/auth/create-tool-call-authorizer.js';
import { createOpenAICompatibleModel } from '../../../src/agent/llm/openai-compatible.js';
import { builtinTools } from '../../../src/agent/tools/builtin/index.js';
import { serverConfigSchema } from '../../../src/config/server-config-schema.js';
import { createNodeStaticAssets } from '../../../src/node/server/node-static-assets.js';
import { BaseRuntime } from '../../../src/runtime/base-runtime.js';
import { createServerApp } from '../../../src/server/create-server-app.js';
import { createServerAuthorizer } from '../../../src/server/create-server-authorizer.js';
import { MemorySessionStore } from '../../../src/store/memory-session-store.js';
import { repoRoot } from '../../helpers/run-cli.js';

export async function startInProcessService(llmUrl: string, approve: string[] = []): Promise<{ url: string; close(): Promise<void> }> {
  const authorizer = createServerAuthorizer({}, serverConfigSchema.parse({}));
  const runtime = new BaseRuntime({
    store: new MemorySessionStore(),
    model: createOpenAICompatibleModel({ baseUrl: llmUrl, model: 'scripted', maxRetries: 0 }),
    tools: builtinTools().map((t) => (approve.includes(t.name) ? { ...t, needsApproval: true } : t)),
    authorize: createToolCallAuthorizer(authorizer),
  });
  const app = createServerApp({ runtime, authorizer, assets: createNodeStaticAssets(repoRoot) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.shutdown({ timeoutMs: 500 });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
