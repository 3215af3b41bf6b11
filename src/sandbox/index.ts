/**
 * agentbox/sandbox — the portable sandboxes, kept out of the core bundle: WASI tools
 * (`createWasmTool`) and script tools (`createScriptTool` on QuickJS). Node's worker pool
 * and V8 isolate backend live in `agentbox/node`.
 */
export * from './wasm/index.js';
export * from './script/index.js';
