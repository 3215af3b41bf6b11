/** Node host for WASM tools: the worker pool, real-directory grants and `runWasi`. */
export * from './node-wasm-host.js';
export * from './node-directory-adapter.js';
export * from './run-wasi.js';
