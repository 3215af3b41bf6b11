/**
 * The web page's script (`/assets/app.js`). By default it uses the `agentbox serve` API of
 * the origin it came from; `?mode=browser&baseUrl=…&model=…` runs the agent in a worker.
 * In browser mode the example WASM tools listed in `/assets/tools/index.json` are loaded.
 */
import { ChatApp, type ChatElements } from './chat-app.js';
import type { ChatBackend } from './chat-backend.js';
import { serverBackend } from './server-backend.js';
import { readSettings } from './settings.js';
import { workerBackend } from './worker-backend.js';
import type { WebWasmToolConfig } from '../worker/web-runtime-config.js';
import { WorkflowClient } from './workflow-client.js';
import { WorkflowView } from './workflow-view.js';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

async function wasmTools(assets: URL): Promise<WebWasmToolConfig[]> {
  const response = await fetch(new URL('tools/index.json', assets)).catch(() => undefined);
  if (!response?.ok) return [];
  const index = (await response.json()) as Array<{ manifest: WebWasmToolConfig['manifest']; url: string }>;
  return index.map((tool) => ({ manifest: tool.manifest, url: new URL(tool.url, new URL('tools/', assets)).href }));
}

/** `/?view=workflows`: the service's workflow runs instead of the chat (server mode only). */
async function workflows(apiKey: string | undefined): Promise<void> {
  byId('chat').hidden = true;
  byId('workflows').hidden = false;
  byId('status').textContent = 'workflow runs';
  const view = new WorkflowView(new WorkflowClient(apiKey ? { apiKey } : {}), {
    runs: byId('runs'),
    refresh: byId('refresh-runs'),
    form: byId('start-run'),
    definition: byId('definition'),
    input: byId('run-input'),
    run: byId('run'),
    notice: byId('workflow-notice'),
  });
  document.documentElement.dataset.mode = 'server';
  await view.start();
  document.documentElement.dataset.ready = 'true';
}

async function main(): Promise<void> {
  if (new URLSearchParams(location.search).get('view') === 'workflows') return workflows(readSettings(location.search).apiKey);
  const ui: ChatElements = {
    sessions: byId('sessions'),
    newSession: byId('new-session'),
    transcript: byId('transcript'),
    form: byId('composer'),
    input: byId('message'),
    send: byId('send'),
    cancel: byId('cancel'),
    notice: byId('notice'),
    status: byId('status'),
  };
  const settings = readSettings(location.search);
  // The bundle's own folder: its siblings (worker, tools) are served beside it.
  const assets = new URL('./', import.meta.url);
  let backend: ChatBackend;
  if (settings.mode === 'browser') {
    const config = { ...settings.config, tools: { ...settings.config.tools, wasm: await wasmTools(assets) } };
    backend = await workerBackend({ workerUrl: new URL('agentbox-worker.js', assets), config });
  } else {
    backend = serverBackend(settings.apiKey ? { apiKey: settings.apiKey } : {});
  }
  document.documentElement.dataset.mode = backend.mode;
  await new ChatApp(backend, ui).start();
  document.documentElement.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  const notice = document.getElementById('notice');
  if (notice) {
    notice.textContent = `The page could not start: ${error instanceof Error ? error.message : String(error)}`;
    notice.hidden = false;
  }
  document.documentElement.dataset.ready = 'failed';
});
