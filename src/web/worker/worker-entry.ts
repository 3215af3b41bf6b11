/**
 * Entry of the runtime worker (`agentbox-worker.js`): serves a `BaseRuntime` to the page
 * over the runtime bridge. Sibling files the build puts beside it: the WASM job worker
 * (`agentbox-wasm-worker.js`) and QuickJS (`emscripten-module.wasm`).
 */
import { createWorkerRuntimeFactory } from './create-worker-runtime.js';
import { quickJsScriptToolLoader } from './load-quickjs-script-tools.js';
import type { BridgeEndpoint } from './runtime-bridge.js';
import { exposeRuntime } from './expose-runtime.js';

const here = globalThis.location.href;

exposeRuntime(
  globalThis as unknown as BridgeEndpoint,
  createWorkerRuntimeFactory({
    wasmWorkerUrl: new URL('./agentbox-wasm-worker.js', here),
    loadScriptTools: quickJsScriptToolLoader(new URL('./emscripten-module.wasm', here)),
  }),
);
