/**
 * The manifest of a WASM tool: what the model sees (name, description, JSON Schema
 * parameters) and what the tool asks the sandbox for. Anything not asked for is not
 * granted; the defaults are the tightest limits that still run ordinary tools.
 */
import { z } from 'zod';
import type { FsRootCapability } from '../../auth/capabilities.js';
import { renamedKey } from '../../auth/renamed-key.js';
import { parseInputWith } from '../../errors/index.js';

export const DEFAULT_WASM_MEMORY_MB = 64;
export const DEFAULT_WASM_TIMEOUT_MS = 5_000;
export const DEFAULT_WASM_MAX_OUTPUT_BYTES = 1_048_576;

/**
 * A directory a WASM guest is given: an `fsRoots` entry of `Capabilities` whose `guest`
 * mount is required and whose `write` is explicit. Roles grant (and narrow) it by `path`.
 */
export interface WasmFsRoot extends FsRootCapability {
  /** Name the guest sees the directory under (a WASI preopen), e.g. `/data`. */
  guest: string;
  write: boolean;
}

export const wasmFsRootSchema = z
  .strictObject({
    /** Directory on the host (resolved by the platform's directory adapter); relative to the manifest's folder in a config. */
    path: z.string().min(1),
    guest: z.string().min(1),
    write: z.boolean().default(false),
    host: renamedKey('host', 'path'),
  })
  // Drops the renamed key's slot from the output type: `WasmFsRoot` is the one shape.
  .transform(({ path, guest, write }): WasmFsRoot => ({ path, guest, write }));

export const wasmCapabilitiesSchema = z
  .strictObject({
    memoryMb: z.number().positive().max(4096).default(DEFAULT_WASM_MEMORY_MB),
    timeoutMs: z.number().int().positive().max(3_600_000).default(DEFAULT_WASM_TIMEOUT_MS),
    fsRoots: z.array(wasmFsRootSchema).default([]),
    env: z.record(z.string().regex(/^[^=\0]+$/, 'must be a name without "=" or NUL'), z.string()).default({}),
    clock: z.boolean().default(false),
    random: z.boolean().default(false),
    dirs: renamedKey('dirs', 'fsRoots', '(each `{ host, guest, write }` is now `{ path, guest, write }`)'),
  })
  .transform(({ dirs: _renamed, ...caps }) => caps)
  .prefault({});

export const wasmManifestSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, "_", "." or "-"'),
  description: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  capabilities: wasmCapabilitiesSchema,
  maxOutputBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1_048_576)
    .default(DEFAULT_WASM_MAX_OUTPUT_BYTES),
});

/**
 * A `Capabilities` with a WASM tool's extras: each root's `guest` mount, and `env`, `clock`
 * and `random`, which are the manifest's alone (roles narrow paths and limits, not these).
 * Limits always have a value here: the manifest's, or the defaults above.
 */
export type WasmCapabilities = z.output<typeof wasmCapabilitiesSchema>;
export type WasmManifest = z.output<typeof wasmManifestSchema>;
export type WasmManifestInput = z.input<typeof wasmManifestSchema>;

/**
 * Validates a manifest (parsed JSON). Throws INVALID_INPUT naming every bad field,
 * e.g. `capabilities.memoryMb: Too big: expected number to be <=4096`.
 */
export function parseWasmManifest(input: unknown, source = 'WASM tool manifest'): WasmManifest {
  return parseInputWith(wasmManifestSchema, input, source);
}
