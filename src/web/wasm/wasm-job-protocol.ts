/** Messages between `BrowserWasmHost` and its job worker (structured-clone safe). */
import type { SerializedError } from '../../errors/agentbox-error.js';
import type { WasiJobPayload } from '../../sandbox/wasm/wasm-host.js';
import type { WasiRunResult } from '../../sandbox/wasm/run-wasi-module.js';

/** The browser host posts the shared payload as it is (no directory grants in the browser). */
export type WasmJobMessage = WasiJobPayload;

export type WasmJobReply = { ok: true; result: WasiRunResult } | { ok: false; error: SerializedError };
