/**
 * Wraps a script tool's manifest and a sandbox into the one `Tool` interface the executor
 * runs. Capabilities come from the manifest (`capabilities.hosts`, `memoryMb`, `timeoutMs`),
 * narrowed by the call's: `host.fetch` exists exactly when both allow some host, and
 * reaches only those.
 */
import { intersectCapabilities } from '../../auth/capabilities.js';
import type { Tool } from '../../agent/tools/tool.js';
import { AgentboxError } from '../../errors/index.js';
import { createAllowListedFetch } from './allow-listed-fetch.js';
import type { HostCapabilities, JsonValue, ScriptSandbox } from './script-sandbox.js';
import { parseScriptToolManifest, type ScriptToolManifest } from './script-tool-manifest.js';

export interface CreateScriptToolOptions {
  /** The fetch behind `host.fetch`; default the platform's. */
  fetch?: typeof fetch;
}

/** Lets the sandbox's own deadline fire first, with its clearer error, before the executor's. */
const EXECUTOR_GRACE_MS = 1_000;

/**
 * @example
 * ```ts
 * const tool = createScriptTool(
 *   { name: 'word_count', description: 'Counts words', parameters: { type: 'object' },
 *     source: 'export default ({ text }) => text.split(/\\s+/).length' },
 *   [createQuickJsSandbox()],
 * );
 * ```
 */
export function createScriptTool(
  manifest: unknown,
  sandboxes: ScriptSandbox | readonly ScriptSandbox[],
  options: CreateScriptToolOptions = {},
): Tool<Record<string, unknown>, JsonValue> {
  const parsed = parseScriptToolManifest(manifest);
  const sandbox = pickSandbox(parsed, Array.isArray(sandboxes) ? sandboxes : [sandboxes as ScriptSandbox]);
  const requested = parsed.capabilities;
  const { timeoutMs, memoryMb } = requested;
  const hostFor = (hosts: readonly string[], deadlineMs: number): HostCapabilities =>
    hosts.length > 0 ? { fetch: createAllowListedFetch({ hosts: [...hosts], timeoutMs: deadlineMs, ...(options.fetch ? { fetch: options.fetch } : {}) }) } : {};
  const host = hostFor(requested.hosts ?? [], timeoutMs);
  return {
    name: parsed.name,
    description: parsed.description,
    parameters: parsed.parameters,
    timeoutMs: timeoutMs + EXECUTOR_GRACE_MS,
    ...(parsed.needsApproval ? { needsApproval: true } : {}),
    // The manifest's capabilities are already in the one vocabulary the roles speak.
    capabilities: { hosts: [...(requested.hosts ?? [])], memoryMb, timeoutMs },
    execute: (args, context) => {
      // Roles may narrow the manifest: fewer hosts for host.fetch, less memory or time.
      // Intersected again here, so an `authorize` that hands back more than the manifest
      // asked for cannot widen it.
      const granted =
        context.capabilities === undefined ? undefined : intersectCapabilities({ hosts: requested.hosts ?? [], memoryMb, timeoutMs }, context.capabilities);
      const runTimeoutMs = granted?.timeoutMs ?? timeoutMs;
      // The sandbox may queue the run (bounded per process and per session); its own
      // deadline starts when the run does, and so does the executor's.
      const resume = context.suspendDeadline?.();
      return sandbox.run({
        source: parsed.source,
        args,
        timeoutMs: runTimeoutMs,
        memoryMb: granted?.memoryMb ?? memoryMb,
        maxOutputBytes: parsed.maxOutputBytes,
        host: granted === undefined ? host : hostFor(granted.hosts ?? [], runTimeoutMs),
        signal: context.signal,
        filename: `${parsed.name}.js`,
        sessionId: context.sessionId,
        ...(resume ? { onStart: resume } : {}),
        ...(context.reportResources ? { onResources: context.reportResources } : {}),
      });
    },
  };
}

function pickSandbox(manifest: ScriptToolManifest, sandboxes: readonly ScriptSandbox[]): ScriptSandbox {
  const found = sandboxes.find((s) => s.backend === manifest.backend);
  if (found) return found;
  const available = sandboxes.map((s) => s.backend).join(', ') || 'none';
  throw new AgentboxError(
    'INVALID_INPUT',
    `script tool '${manifest.name}' asks for the ${manifest.backend} backend, which is not available here (available: ${available})`,
    { details: { backend: manifest.backend } },
  );
}
