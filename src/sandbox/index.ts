/**
 * agentbox/sandbox — the portable sandboxes, kept out of the core bundle: WASI tools
 * (`createWasmTool`: WebAssembly modules that see only what they were granted) and script
 * tools (`createScriptTool`: JavaScript in QuickJS compiled to WebAssembly). Node's worker
 * host, QuickJS worker pool and V8 isolate backend live in `agentbox/node`; the browser's
 * WASM host in `agentbox/web`.
 *
 * @example
 * import { createScriptTool, createQuickJsSandbox } from 'agentbox/sandbox';
 * const slugify = createScriptTool(
 *   { name: 'slugify', description: 'Title to URL slug', parameters: { type: 'object' },
 *     source: 'export default ({ title }) => title.toLowerCase().replace(/[^a-z0-9]+/g, "-")' },
 *   createQuickJsSandbox(),
 * );
 */

// WASI tools.
export { createWasmTool, loadWasmTool, type CreateWasmToolOptions } from './wasm/create-wasm-tool.js';
export { parseWasmManifest, type WasmManifest, type WasmManifestInput, type WasmCapabilities, type WasmFsRoot } from './wasm/wasm-manifest.js';
export { runWasiModule, type RunWasiModuleOptions, type WasiRunResult } from './wasm/run-wasi-module.js';
export type { WasmHost, WasmJob } from './wasm/wasm-host.js';
export { WasmModuleCache } from './wasm/wasm-module-cache.js';
export {
  DirectoryAccessError,
  type DirectoryAdapter,
  type DirectoryEntry,
  type DirectoryEntryStat,
  type DirectoryErrorCode,
  type DirectoryFileHandle,
  type GuestPath,
  type OpenFileStat,
} from './wasm/directory-adapter.js';
export { MemoryDirectoryAdapter } from './wasm/memory-directory-adapter.js';

// Script tools.
export { createScriptTool, type CreateScriptToolOptions } from './script/create-script-tool.js';
export { createQuickJsSandbox, type QuickJsSandboxOptions } from './script/quickjs-sandbox.js';
export { parseScriptToolManifest, type ScriptToolManifest, type ScriptToolManifestInput } from './script/script-tool-manifest.js';
export type { ScriptSandbox, ScriptRunOptions, HostCapabilities, HostFunction, JsonValue } from './script/script-sandbox.js';
export { createAllowListedFetch, type AllowListedFetchOptions, type GuestFetchResponse } from './script/allow-listed-fetch.js';
