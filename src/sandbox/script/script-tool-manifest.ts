/**
 * The manifest of a script tool: what the model sees (name, description, JSON Schema
 * parameters), the module source, and what the tool asks the sandbox for. Anything not
 * asked for is not granted.
 */
import { z } from 'zod';
import { renamedKey } from '../../auth/renamed-key.js';
import { parseInputWith } from '../../errors/index.js';
import { DEFAULT_SCRIPT_MAX_OUTPUT_BYTES, DEFAULT_SCRIPT_MEMORY_MB, DEFAULT_SCRIPT_TIMEOUT_MS } from './script-sandbox.js';

const hostEntry = z.string().regex(/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i, 'must be host, host:port or *.domain');

export const scriptCapabilitiesSchema = z
  .strictObject({
    timeoutMs: z.number().int().positive().max(3_600_000).default(DEFAULT_SCRIPT_TIMEOUT_MS),
    memoryMb: z.number().positive().max(4096).default(DEFAULT_SCRIPT_MEMORY_MB),
    /** Hosts `host.fetch` may reach (the `hosts` of `Capabilities`); absent or empty means no `host.fetch` at all. */
    hosts: z.array(hostEntry).optional(),
    fetchHosts: renamedKey('fetchHosts', 'hosts'),
  })
  // Drops the renamed key's slot from the output type: these are plain `Capabilities`.
  .transform(({ fetchHosts: _renamed, ...caps }) => caps)
  .prefault({});

export const scriptToolManifestSchema = z.strictObject({
  // The tool registry's rule (OpenAI function names).
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"'),
  description: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  /** An ES module whose default export is `(args, host) => result`. */
  source: z.string().min(1),
  capabilities: scriptCapabilitiesSchema,
  maxOutputBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1_048_576)
    .default(DEFAULT_SCRIPT_MAX_OUTPUT_BYTES),
  /** `v8` (Node only) is faster on compute-heavy code; QuickJS runs everywhere. */
  backend: z.enum(['quickjs', 'v8']).default('quickjs'),
  needsApproval: z.boolean().optional(),
});

export type ScriptCapabilities = z.output<typeof scriptCapabilitiesSchema>;
export type ScriptToolManifest = z.output<typeof scriptToolManifestSchema>;
export type ScriptToolManifestInput = z.input<typeof scriptToolManifestSchema>;

/**
 * Validates a manifest (parsed JSON). Throws INVALID_INPUT naming every bad field,
 * e.g. `capabilities.hosts.0: must be host, host:port or *.domain`.
 */
export function parseScriptToolManifest(input: unknown, source = 'script tool manifest'): ScriptToolManifest {
  return parseInputWith(scriptToolManifestSchema, input, source);
}
