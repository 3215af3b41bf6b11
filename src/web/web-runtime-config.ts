/**
 * What the page hands the worker to build its runtime. Plain data (it crosses a thread):
 * tool code is sent as WebAssembly bytes or a URL the worker fetches, never as functions.
 */
import type { ScriptToolManifestInput } from '../sandbox/script/script-tool-manifest.js';
import type { WasmManifestInput } from '../sandbox/wasm/wasm-manifest.js';

export interface WebLlmConfig {
  /** OpenAI-compatible base URL including `/v1`; the worker calls it with `fetch` (CORS applies). */
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  timeoutMs?: number;
  maxRetries?: number;
  temperature?: number;
  maxTokens?: number;
}

export interface WebWasmToolConfig {
  manifest: WasmManifestInput;
  /** The module bytes, or `url` to fetch them from (relative to the worker script). */
  bytes?: Uint8Array;
  url?: string;
  /** Ask the user before each call. */
  needsApproval?: boolean;
}

/** A script tool: the same manifest as in Node (`source` inline); it runs in QuickJS in the worker. */
export type WebScriptToolConfig = ScriptToolManifestInput;

export interface WebRuntimeConfig {
  llm?: WebLlmConfig;
  agent?: {
    system?: string;
    maxSteps?: number;
    toolTimeoutMs?: number;
    /** Built-in tools to enable; default all. */
    tools?: string[];
    /** Names of tools whose calls wait for the user's approval. */
    approve?: string[];
  };
  /** `indexeddb` (default) keeps sessions across reloads; `memory` forgets them with the worker. */
  store?: { kind?: 'indexeddb' | 'memory'; name?: string };
  wasmTools?: WebWasmToolConfig[];
  scriptTools?: WebScriptToolConfig[];
  /** Owner of new sessions; default `browser`. */
  principal?: string;
}

/** What `init` reports back, so the page can show what it is running against. */
export interface WebRuntimeInfo {
  /** The endpoint in use, or undefined when none is configured (turns then fail with CONFIG_INVALID). */
  llm?: { baseUrl: string; model: string };
  tools: Array<{ name: string; description: string; needsApproval: boolean }>;
  store: 'indexeddb' | 'memory';
  scriptTools: boolean;
}
