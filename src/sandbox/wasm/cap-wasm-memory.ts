/**
 * Memory ceiling by rewriting the module: a worker's `resourceLimits` do not bound
 * WebAssembly memory, but the engine enforces a memory's declared maximum — `memory.grow`
 * past it returns -1, and the guest's allocator then traps or exits. So we lower (or add)
 * the maximum of every memory the module defines or imports, and refuse outright a module
 * whose declared minimum is already over the ceiling.
 */
import { ByteReader, WasmFormatError, encodeVarUint, listSections } from './wasm-binary.js';

export const WASM_PAGE_BYTES = 65536;
/** wasm32 cannot address more than 4 GiB. */
export const MAX_WASM32_PAGES = 65536;

export interface MemoryDeclaration {
  /** Set when the memory is imported (the host must then provide it). */
  import: { module: string; name: string } | undefined;
  minPages: number;
  /** Maximum after capping: never above the ceiling. */
  maxPages: number;
  shared: boolean;
}

export interface CappedModule {
  bytes: Uint8Array;
  memories: MemoryDeclaration[];
}

/** The declared minimum is larger than the ceiling: refused at load. */
export class MemoryCeilingError extends Error {
  override name = 'MemoryCeilingError';
  constructor(
    readonly minPages: number,
    readonly ceilingPages: number,
  ) {
    super(
      `module declares a minimum memory of ${minPages} pages (${pagesToMb(minPages)} MiB), ` +
        `above the ceiling of ${ceilingPages} pages (${pagesToMb(ceilingPages)} MiB)`,
    );
  }
}

function pagesToMb(pages: number): string {
  return ((pages * WASM_PAGE_BYTES) / 1048576).toFixed(2).replace(/\.?0+$/, '');
}

interface Limits {
  flags: number;
  min: bigint;
  max: bigint | undefined;
}

function readLimits(reader: ByteReader): Limits {
  const flags = reader.byte();
  if (flags & ~0x07) throw new WasmFormatError(`unsupported memory limits flags 0x${flags.toString(16)}`);
  const bits = flags & 0x04 ? 64 : 32;
  const min = reader.varUint(bits);
  const max = flags & 0x01 ? reader.varUint(bits) : undefined;
  return { flags, min, max };
}

function skipValueType(reader: ByteReader): void {
  const type = reader.byte();
  // Typed function references (0x63/0x64) carry a heap type after the prefix.
  if (type === 0x63 || type === 0x64) reader.varUint(64);
}

/** Caps one memory's limits; returns the new encoding and what was declared. */
function capLimits(limits: Limits, ceilingPages: number): { encoded: number[]; minPages: number; maxPages: number } {
  if (limits.min > BigInt(ceilingPages)) throw new MemoryCeilingError(Number(limits.min), ceilingPages);
  const maxPages = limits.max === undefined || limits.max > BigInt(ceilingPages) ? ceilingPages : Number(limits.max);
  const encoded = [limits.flags | 0x01, ...encodeVarUint(limits.min), ...encodeVarUint(maxPages)];
  return { encoded, minPages: Number(limits.min), maxPages };
}

function rewriteImports(content: ByteReader, ceilingPages: number, memories: MemoryDeclaration[]): number[] {
  const out: number[] = [];
  const count = content.u32();
  out.push(...encodeVarUint(count));
  for (let i = 0; i < count; i++) {
    const entryStart = content.offset;
    const module = content.name();
    const name = content.name();
    const kind = content.byte();
    if (kind === 0x02) {
      const headerEnd = content.offset;
      const limits = readLimits(content);
      const capped = capLimits(limits, ceilingPages);
      memories.push({ import: { module, name }, minPages: capped.minPages, maxPages: capped.maxPages, shared: (limits.flags & 0x02) !== 0 });
      out.push(...content.bytes.subarray(entryStart, headerEnd), ...capped.encoded);
      continue;
    }
    if (kind === 0x00) content.u32();
    else if (kind === 0x01) {
      skipValueType(content);
      readLimits(content);
    } else if (kind === 0x03) {
      skipValueType(content);
      content.byte();
    } else if (kind === 0x04) {
      content.byte();
      content.u32();
    } else throw new WasmFormatError(`unknown import kind ${kind} for ${module}.${name}`);
    out.push(...content.bytes.subarray(entryStart, content.offset));
  }
  return out;
}

function rewriteMemories(content: ByteReader, ceilingPages: number, memories: MemoryDeclaration[]): number[] {
  const count = content.u32();
  const out = encodeVarUint(count);
  for (let i = 0; i < count; i++) {
    const limits = readLimits(content);
    const capped = capLimits(limits, ceilingPages);
    memories.push({ import: undefined, minPages: capped.minPages, maxPages: capped.maxPages, shared: (limits.flags & 0x02) !== 0 });
    out.push(...capped.encoded);
  }
  return out;
}

/**
 * Returns a copy of `bytes` whose memories all have a maximum of at most `ceilingPages`.
 * Throws `MemoryCeilingError` if a declared minimum is over it, `WasmFormatError` on bad bytes.
 */
export function capWasmMemory(bytes: Uint8Array, ceilingPages: number): CappedModule {
  const ceiling = Math.max(0, Math.min(Math.floor(ceilingPages), MAX_WASM32_PAGES));
  const memories: MemoryDeclaration[] = [];
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const section of listSections(bytes)) {
    const reader = new ByteReader(bytes, section.contentStart, section.end);
    let content: number[] | undefined;
    if (section.id === 2) content = rewriteImports(reader, ceiling, memories);
    else if (section.id === 5) content = rewriteMemories(reader, ceiling, memories);
    if (content === undefined) {
      parts.push(bytes.subarray(section.start, section.end));
      continue;
    }
    if (reader.offset !== section.end) throw new WasmFormatError(`section ${section.id} has trailing bytes`);
    parts.push(Uint8Array.from([section.id, ...encodeVarUint(content.length), ...content]));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return { bytes: out, memories };
}
