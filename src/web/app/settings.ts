import type { WebRuntimeConfig } from '../worker/web-runtime-config.js';

/** What the page runs against, from its URL: `?mode=browser&baseUrl=…&model=…` runs the agent in a worker. */
export interface PageSettings {
  mode: 'server' | 'browser';
  /** Browser mode: the worker's config. */
  config: WebRuntimeConfig;
  /** Server mode: an API key for the service (`?apiKey=`), if it requires one. */
  apiKey?: string;
}

export function readSettings(search: string): PageSettings {
  const params = new URLSearchParams(search);
  const mode = params.get('mode') === 'browser' ? 'browser' : 'server';
  const get = (name: string): string | undefined => params.get(name) ?? undefined;
  const approve = get('approve')?.split(',').filter(Boolean);
  const config: WebRuntimeConfig = {
    llm: {
      ...(get('baseUrl') ? { baseUrl: get('baseUrl') } : {}),
      ...(get('model') ? { model: get('model') } : {}),
      ...(get('llmKey') ? { apiKey: get('llmKey') } : {}),
    },
    tools: { ...(approve ? { requireApproval: approve } : {}) },
    store: { kind: params.get('store') === 'memory' ? 'memory' : 'indexeddb' },
  };
  return { mode, config, ...(get('apiKey') ? { apiKey: get('apiKey') } : {}) };
}
