/**
 * What the page hands the worker to build its runtime: the same keys as Node's config file
 * (`llm`, `agent`, `auth`, `tools.requireApproval`), validated by the same schema, plus what
 * only a browser has. Plain data (it crosses a thread): tool code is sent as WebAssembly
 * bytes, a URL the worker fetches, or inline script source — never as functions.
 */
import type { AgentboxConfigInput } from '../../config/config-schema.js';
import type { ScriptToolManifestInput } from '../../sandbox/script/script-tool-manifest.js';
import type { WasmManifestInput } from '../../sandbox/wasm/wasm-manifest.js';

type ConfigInput = NonNullable<AgentboxConfigInput>;
export type WebLlmConfig = NonNullable<ConfigInput['llm']>;

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
  /** `system`, `maxSteps`, `toolTimeoutMs`, `tools` (built-ins to enable; default all). */
  agent?: ConfigInput['agent'];
  /** Roles and principals; the default principal is `browser` (admin: the page's user is its operator). */
  auth?: ConfigInput['auth'];
  tools?: {
    /** Names of tools whose calls wait for the user's approval. */
    requireApproval?: string[];
    wasm?: WebWasmToolConfig[];
    scripts?: WebScriptToolConfig[];
  };
  /** `indexeddb` (default) keeps sessions across reloads; `memory` forgets them with the worker. */
  store?: { kind?: 'indexeddb' | 'memory'; name?: string };
}

/** What `init` reports back, so the page can show what it is running against. */
export interface WebRuntimeInfo {
  /** The endpoint in use, or undefined when none is configured (turns then fail with CONFIG_INVALID). */
  llm?: { baseUrl: string; model: string };
  tools: Array<{ name: string; description: string; needsApproval: boolean }>;
  store: 'indexeddb' | 'memory';
  scriptTools: boolean;
}
