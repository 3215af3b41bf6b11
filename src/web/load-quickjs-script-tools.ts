/**
 * Script tools in the browser: each call runs the tool's module in QuickJS (compiled to
 * WASM) with the limits of its config and no host capabilities. The QuickJS binary is
 * fetched once from beside the worker bundle (`emscripten-module.wasm`, copied there by
 * the build); if it cannot be loaded, script tools fail with a clear error instead.
 */
import { AgentboxError } from '../errors/agentbox-error.js';
import type { JsonSchema, Tool } from '../agent/tools/tool.js';
import { createQuickJsSandbox } from '../sandbox/script/quickjs-sandbox.js';
import { DEFAULT_SCRIPT_MAX_OUTPUT_BYTES, DEFAULT_SCRIPT_MEMORY_MB, DEFAULT_SCRIPT_TIMEOUT_MS, type ScriptSandbox } from '../sandbox/script/script-sandbox.js';
import type { ScriptToolLoader } from './create-worker-runtime.js';

export function quickJsScriptToolLoader(wasmUrl: string | URL): ScriptToolLoader {
  let sandbox: Promise<ScriptSandbox> | undefined;
  const open = (): Promise<ScriptSandbox> =>
    (sandbox ??= (async () => {
      try {
        const wasmModule = await WebAssembly.compileStreaming(fetch(wasmUrl));
        return createQuickJsSandbox({ wasmModule });
      } catch (error) {
        sandbox = undefined;
        throw new AgentboxError('CONFIG_INVALID', `script tools are not available in this build: QuickJS could not be loaded from ${String(wasmUrl)}`, { cause: error });
      }
    })());
  return async (configs) => {
    const ready = await open();
    return configs.map(
      (config): Tool => ({
        name: config.name,
        description: config.description,
        parameters: config.parameters as JsonSchema,
        ...(config.needsApproval ? { needsApproval: true } : {}),
        // The executor's deadline stops the call; the sandbox's own deadline stops the guest.
        timeoutMs: (config.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS) + 1_000,
        execute: (args, context) =>
          ready.run({
            source: config.source,
            args,
            timeoutMs: config.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
            memoryMb: config.memoryMb ?? DEFAULT_SCRIPT_MEMORY_MB,
            maxOutputBytes: DEFAULT_SCRIPT_MAX_OUTPUT_BYTES,
            signal: context.signal,
            filename: config.name,
          }),
      }),
    );
  };
}
