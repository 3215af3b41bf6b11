/**
 * Script tools in the browser: each manifest becomes a tool (`createScriptTool`) run by
 * the QuickJS sandbox, compiled once from the QuickJS binary beside the worker bundle
 * (`emscripten-module.wasm`, copied there by the build). If it cannot be loaded, script
 * tools fail with a clear "not available" error.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';
import { createQuickJsSandbox } from '../../sandbox/script/quickjs-sandbox.js';
import { createScriptTool } from '../../sandbox/script/create-script-tool.js';
import type { ScriptSandbox } from '../../sandbox/script/script-sandbox.js';
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
        throw new AgentboxError('CONFIG_INVALID', `script tools are not available in this build: QuickJS could not be loaded from ${String(wasmUrl)}`, {
          cause: error,
        });
      }
    })());
  return async (manifests) => {
    const ready = await open();
    return manifests.map((manifest) => createScriptTool(manifest, ready));
  };
}
