import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { AnyTool, Tool } from '../../agent/tools/tool.js';
import type { ToolsConfig } from '../../config/tools-config-schema.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { createScriptTool } from '../../sandbox/script/create-script-tool.js';
import type { ScriptSandbox } from '../../sandbox/script/script-sandbox.js';
import { loadWasmTool } from '../../sandbox/wasm/create-wasm-tool.js';
import { parseWasmManifest } from '../../sandbox/wasm/wasm-manifest.js';
import { createIsolateSandbox } from '../script/isolate-sandbox.js';
import { createQuickJsWorkerSandbox } from '../script/quickjs-worker-pool.js';
import { NodeWasmHost } from '../wasm/node-wasm-host.js';
import { createFsTools } from './create-fs-tools.js';
import { createHttpFetchTool } from '../../agent/tools/fetch/http-fetch-tool.js';

export interface ConfiguredTools {
  tools: AnyTool[];
  /** Stops worker pools and sandbox processes. */
  close(): Promise<void>;
}

/**
 * Builds the tools a config declares: WASI modules on a worker pool, scripts on QuickJS in
 * worker threads (or V8 isolates when a manifest asks), file and HTTP tools. Modules are compiled now, so
 * a bad module or manifest fails at startup with its path, not at the model's first call.
 */
export async function loadConfiguredTools(config: ToolsConfig): Promise<ConfiguredTools> {
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(closers.map((c) => c()));
  };
  try {
    const tools: AnyTool[] = [];
    if (config.wasm.length > 0) {
      const pool = new NodeWasmHost();
      closers.push(() => pool.close());
      for (const entry of config.wasm) {
        const manifest = parseWasmManifest(
          withAnchoredRoots(await readManifest(entry.manifest), dirname(entry.manifest)),
          `WASM tool manifest ${entry.manifest}`,
        );
        const modulePath = entry.module ?? findModule(entry.manifest);
        const bytes = await readFile(modulePath).catch((error: unknown) => {
          throw new AgentboxError('CONFIG_INVALID', `cannot read WASM module ${modulePath}: ${(error as Error).message}`);
        });
        const tool = await loadWasmTool(manifest, new Uint8Array(bytes), { pool }).catch((error: unknown) => {
          throw new AgentboxError('CONFIG_INVALID', `WASM tool ${entry.manifest}: ${(error as Error).message}`, { cause: error });
        });
        tools.push(entry.needsApproval ? { ...tool, needsApproval: true } : tool);
      }
    }
    if (config.scripts.length > 0) {
      const sandboxes = lazySandboxes(closers, config.scriptConcurrency ?? {});
      for (const entry of config.scripts) {
        const manifest = await readManifest(entry.manifest);
        if (typeof manifest.sourceFile === 'string') {
          const file = resolve(dirname(entry.manifest), manifest.sourceFile);
          manifest.source = await readFile(file, 'utf8').catch((error: unknown) => {
            throw new AgentboxError('CONFIG_INVALID', `script tool ${entry.manifest}: cannot read ${file}: ${(error as Error).message}`);
          });
          delete manifest.sourceFile;
        }
        const backend = manifest.backend === 'v8' ? 'v8' : 'quickjs';
        let tool: Tool;
        try {
          tool = createScriptTool(manifest, sandboxes(backend));
        } catch (error) {
          throw new AgentboxError('CONFIG_INVALID', `script tool ${entry.manifest}: ${(error as Error).message}`, { cause: error });
        }
        tools.push(entry.needsApproval ? { ...tool, needsApproval: true } : tool);
      }
    }
    if (config.fs) {
      const fsTools = createFsTools({ fsRoots: config.fs.fsRoots, ...(config.fs.maxBytes ? { maxBytes: config.fs.maxBytes } : {}) });
      tools.push(...fsTools.map((t) => (config.fs?.needsApproval ? { ...t, needsApproval: true } : t)));
    }
    if (config.http) {
      const { hosts, maxBytes, timeoutMs, needsApproval } = config.http;
      const tool = createHttpFetchTool({ hosts, ...(maxBytes ? { maxBytes } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
      tools.push(needsApproval ? { ...tool, needsApproval: true } : tool);
    }
    return { tools, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function readManifest(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentboxError('CONFIG_INVALID', `cannot read tool manifest ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new AgentboxError('CONFIG_INVALID', `tool manifest ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Directory grants in a manifest are relative to the manifest's folder. Runs before
 * validation, so it touches only well-formed entries and leaves the rest to the schema.
 */
function withAnchoredRoots(manifest: Record<string, unknown>, base: string): Record<string, unknown> {
  const caps = manifest.capabilities as { fsRoots?: unknown } | undefined;
  if (typeof caps !== 'object' || caps === null || !Array.isArray(caps.fsRoots)) return manifest;
  const fsRoots = caps.fsRoots.map((r: unknown) => {
    const path = typeof r === 'object' && r !== null ? (r as { path?: unknown }).path : undefined;
    return typeof path === 'string' && !isAbsolute(path) ? { ...(r as object), path: resolve(base, path) } : r;
  });
  return { ...manifest, capabilities: { ...caps, fsRoots } };
}

/** `<folder>/<folder name>.wasm`, else the only `.wasm` file beside the manifest. */
function findModule(manifestPath: string): string {
  const folder = dirname(manifestPath);
  const named = join(folder, `${basename(folder)}.wasm`);
  if (existsSync(named)) return named;
  const candidates = readdirSync(folder).filter((f) => f.endsWith('.wasm'));
  if (candidates.length === 1) return join(folder, candidates[0] as string);
  throw new AgentboxError(
    'CONFIG_INVALID',
    `no module for WASM tool ${manifestPath}: set "module" in tools.wasm (found ${candidates.length} .wasm files beside it)`,
  );
}

function lazySandboxes(
  closers: Array<() => Promise<void>>,
  concurrency: NonNullable<ToolsConfig['scriptConcurrency']>,
): (backend: 'quickjs' | 'v8') => ScriptSandbox {
  const made = new Map<string, ScriptSandbox>();
  return (backend) => {
    let sandbox = made.get(backend);
    if (!sandbox) {
      // QuickJS off the event loop: a guest busy in a regex must not hold up the service.
      const created = backend === 'v8' ? createIsolateSandbox() : createQuickJsWorkerSandbox(concurrency);
      closers.push(() => created.close());
      made.set(backend, created);
      sandbox = created;
    }
    return sandbox;
  };
}
