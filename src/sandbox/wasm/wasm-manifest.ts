/**
 * The manifest of a WASM tool: what the model sees (name, description, JSON Schema
 * parameters) and what the tool asks the sandbox for. Anything not asked for is not
 * granted; the defaults are the tightest limits that still run ordinary tools.
 */
import { z } from 'zod';
import { parseInputWith } from '../../errors/index.js';

export const DEFAULT_WASM_MEMORY_MB = 64;
export const DEFAULT_WASM_TIMEOUT_MS = 5_000;
export const DEFAULT_WASM_MAX_OUTPUT_BYTES = 1_048_576;

export const dirGrantSchema = z.strictObject({
  /** Directory on the host (resolved by the platform's directory adapter). */
  host: z.string().min(1),
  /** Name the guest sees it under (a WASI preopen), e.g. `/data`. */
  guest: z.string().min(1),
  write: z.boolean().default(false),
});

export const wasmCapabilitiesSchema = z
  .strictObject({
    memoryMb: z.number().positive().max(4096).default(DEFAULT_WASM_MEMORY_MB),
    timeoutMs: z.number().int().positive().max(3_600_000).default(DEFAULT_WASM_TIMEOUT_MS),
    dirs: z.array(dirGrantSchema).default([]),
    env: z.record(z.string().regex(/^[^=\0]+$/, 'must be a name without "=" or NUL'), z.string()).default({}),
    clock: z.boolean().default(false),
    random: z.boolean().default(false),
  })
  .prefault({});

export const wasmManifestSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, "_", "." or "-"'),
  description: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  capabilities: wasmCapabilitiesSchema,
  maxOutputBytes: z.number().int().positive().max(64 * 1_048_576).default(DEFAULT_WASM_MAX_OUTPUT_BYTES),
});

export type DirGrant = z.output<typeof dirGrantSchema>;
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
