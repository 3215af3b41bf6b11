/**
 * Just enough of the WebAssembly binary format to find and rewrite sections, without a
 * dependency: LEB128 integers, names and the section list. Malformed input throws
 * `WasmFormatError`, which the loader turns into a WASM_LOAD_FAILED error.
 */

export class WasmFormatError extends Error {
  override name = 'WasmFormatError';
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

export interface WasmSection {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset one past the last content byte. */
  end: number;
}

/** A cursor over a byte array; every read checks bounds. */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public offset = 0,
    readonly limit = bytes.length,
  ) {}

  byte(): number {
    if (this.offset >= this.limit) throw new WasmFormatError(`unexpected end of data at byte ${this.offset}`);
    return this.bytes[this.offset++] as number;
  }

  /** An unsigned LEB128 integer of at most `bits` bits, as a bigint. */
  varUint(bits: 32 | 64): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
      if (shift >= BigInt(bits + 7)) throw new WasmFormatError(`integer too long at byte ${this.offset}`);
    }
    if (result >= 1n << BigInt(bits)) throw new WasmFormatError(`integer out of range at byte ${this.offset}`);
    return result;
  }

  u32(): number {
    return Number(this.varUint(32));
  }

  name(): string {
    const length = this.u32();
    const end = this.offset + length;
    if (end > this.limit) throw new WasmFormatError(`name runs past the end at byte ${this.offset}`);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(this.offset, end));
    this.offset = end;
    return text;
  }
}

export function encodeVarUint(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

/** Checks the header and lists the sections in order. */
export function listSections(bytes: Uint8Array): WasmSection[] {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new WasmFormatError('not a WebAssembly module (bad magic number)');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new WasmFormatError('unsupported WebAssembly binary version (a component, or not version 1)');
  }
  const sections: WasmSection[] = [];
  const reader = new ByteReader(bytes, 8);
  while (reader.offset < bytes.length) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const contentStart = reader.offset;
    const end = contentStart + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end of the module`);
    sections.push({ id, start, contentStart, end });
    reader.offset = end;
  }
  return sections;
}
