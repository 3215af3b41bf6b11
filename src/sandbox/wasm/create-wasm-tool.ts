/**
 * Turns a `.wasm` WASI command plus its manifest into a `Tool`: JSON arguments on stdin,
 * a JSON result on stdout, exit code 0 for success. Any other ending becomes a tool error
 * the model can read, carrying the (truncated) stderr.
 */
import { AgentboxError } from '../../errors/index.js';
import type { JsonSchema, Tool, ToolContext } from '../../agent/tools/tool.js';
import type { WasmHost } from './wasm-host.js';
import { type WasmManifest, type WasmManifestInput, parseWasmManifest } from './wasm-manifest.js';
import { type LoadedWasmModule, type WasmModuleCache, defaultWasmModuleCache } from './wasm-module-cache.js';
import type { WasiRunResult } from './run-wasi-module.js';
import { narrowWasmCapabilities, wasmRequestedCapabilities } from './narrow-wasm-capabilities.js';

/** How much of a failing tool's stderr is kept in its error. */
export const STDERR_EXCERPT_CHARS = 2000;

export interface CreateWasmToolOptions {
  /** Runs the calls; in Node a `NodeWasmHost`. */
  pool: WasmHost;
  cache?: WasmModuleCache;
}

function excerpt(text: string, max = STDERR_EXCERPT_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

function toValue(manifest: WasmManifest, result: WasiRunResult): unknown {
  const stderr = excerpt(new TextDecoder().decode(result.stderr).trim());
  const name = manifest.name;
  if (result.trap !== undefined) {
    throw new AgentboxError('TOOL_FAILED', `wasm tool ${name} trapped: ${result.trap}${stderr ? `\n${stderr}` : ''}`, {
      details: { trap: result.trap, stderr },
    });
  }
  if (result.exitCode !== 0) {
    throw new AgentboxError('TOOL_FAILED', `wasm tool ${name} exited with code ${result.exitCode}${stderr ? `: ${stderr}` : ''}`, {
      details: { exitCode: result.exitCode, stderr },
    });
  }
  const stdout = new TextDecoder().decode(result.stdout);
  try {
    return JSON.parse(stdout) as unknown;
  } catch {
    throw new AgentboxError('TOOL_FAILED', `wasm tool ${name} did not write a JSON result to stdout`, { details: { stdout: excerpt(stdout), stderr } });
  }
}

/**
 * Builds the tool; the module is compiled (and checked) on first use and cached by hash.
 * Prefer `loadWasmTool` to surface load errors up front.
 * @example
 * const tool = createWasmTool(JSON.parse(manifestText), wasmBytes, { pool: new NodeWasmHost() });
 * await tool.execute({ text: 'a b a' }, context);
 */
export function createWasmTool(manifestInput: WasmManifestInput | WasmManifest, bytes: Uint8Array, options: CreateWasmToolOptions): Tool {
  const manifest = parseWasmManifest(manifestInput);
  const caps = manifest.capabilities;
  const cache = options.cache ?? defaultWasmModuleCache;
  let loading: Promise<LoadedWasmModule> | undefined;
  const load = (): Promise<LoadedWasmModule> => {
    loading ??= cache.load(bytes, { memoryMb: caps.memoryMb, label: `"${manifest.name}"` });
    loading.catch(() => (loading = undefined));
    return loading;
  };
  return {
    name: manifest.name,
    description: manifest.description,
    parameters: manifest.parameters as JsonSchema,
    timeoutMs: caps.timeoutMs,
    // Reported below from the guest's own run; a call that fails before reporting records its wall time only.
    cpuTime: 'reported',
    capabilities: { ...wasmRequestedCapabilities(caps) },
    async execute(args: Record<string, unknown>, context: ToolContext): Promise<unknown> {
      // Roles may narrow the manifest: fewer directories, read-only, less memory or time.
      const granted = narrowWasmCapabilities(caps, context.capabilities);
      const loaded = granted.memoryMb === caps.memoryMb ? await load() : await cache.load(bytes, { memoryMb: granted.memoryMb, label: `"${manifest.name}"` });
      const result = await options.pool.run({
        loaded,
        argv0: `${manifest.name}.wasm`,
        stdin: new TextEncoder().encode(JSON.stringify(args)),
        env: caps.env,
        dirs: granted.fsRoots,
        timeoutMs: granted.timeoutMs,
        maxOutputBytes: manifest.maxOutputBytes,
        clock: caps.clock,
        random: caps.random,
        signal: context.signal,
      });
      // The guest runs alone on its worker thread, and linear memory never shrinks: its run
      // time is its CPU time and its final size its peak.
      context.reportResources?.({ cpuMs: result.durationMs, peakMemoryBytes: result.memoryBytes });
      return toValue(manifest, result);
    },
  };
}

/** Like `createWasmTool`, but compiles and checks the module now, so load errors surface here. */
export async function loadWasmTool(manifestInput: WasmManifestInput | WasmManifest, bytes: Uint8Array, options: CreateWasmToolOptions): Promise<Tool> {
  const manifest = parseWasmManifest(manifestInput);
  await (options.cache ?? defaultWasmModuleCache).load(bytes, { memoryMb: manifest.capabilities.memoryMb, label: `"${manifest.name}"` });
  return createWasmTool(manifest, bytes, options);
}
