/**
 * The portable WebAssembly/WASI tool sandbox: manifests, module loading with a memory
 * ceiling and a compile cache, a WASI preview1 layer that exposes only what was granted,
 * and `createWasmTool`. No `node:` imports: Node's worker pool lives in `src/node/wasm/`.
 */
export * from './wasm-manifest.js';
export * from './cap-wasm-memory.js';
export * from './wasm-module-cache.js';
export * from './directory-adapter.js';
export * from './memory-directory-adapter.js';
export { WASI_MODULE, WASI_FUNCTIONS, type GrantedDirectory } from './create-wasi.js';
export * from './run-wasi-module.js';
export * from './wasm-host.js';
export * from './create-wasm-tool.js';
export * from './narrow-wasm-capabilities.js';
