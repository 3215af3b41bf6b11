/**
 * A tiny WebAssembly binary encoder for tests: there is no wat2wasm here, and hand-built
 * modules let a test say exactly what a hostile guest does (grow memory forever, loop,
 * flood stdout, open `../x`). Only the sections and instructions our tests need.
 */
import { encodeVarUint } from '../wasm-binary.js';

export const I32 = 0x7f;
export const I64 = 0x7e;
type ValueType = typeof I32 | typeof I64;

/** Signed LEB128, as used by `i32.const` / `i64.const`. */
export function encodeVarInt(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function encodeName(name: string): number[] {
  const bytes = new TextEncoder().encode(name);
  return [...encodeVarUint(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...encodeVarUint(items.length), ...items.flat()];
}

/** Instruction helpers; each returns the encoded bytes. */
export const op = {
  i32: (n: number): number[] => [0x41, ...encodeVarInt(n)],
  i64: (n: number | bigint): number[] => [0x42, ...encodeVarInt(n)],
  call: (index: number): number[] => [0x10, ...encodeVarUint(index)],
  localGet: (index: number): number[] => [0x20, ...encodeVarUint(index)],
  localSet: (index: number): number[] => [0x21, ...encodeVarUint(index)],
  localTee: (index: number): number[] => [0x22, ...encodeVarUint(index)],
  i32Load: (offset = 0): number[] => [0x28, 0x02, ...encodeVarUint(offset)],
  i32Store: (offset = 0): number[] => [0x36, 0x02, ...encodeVarUint(offset)],
  memoryGrow: [0x40, 0x00],
  memorySize: [0x3f, 0x00],
  drop: [0x1a],
  unreachable: [0x00],
  loop: [0x03, 0x40],
  block: [0x02, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...encodeVarUint(depth)],
  brIf: (depth: number): number[] => [0x0d, ...encodeVarUint(depth)],
  i32Eq: [0x46],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  i32Add: [0x6a],
};

interface FunctionDef {
  type: number;
  locals: ValueType[];
  body: number[];
  exportName: string | undefined;
}

export class WasmModuleBuilder {
  private types: string[] = [];
  private imports: number[][] = [];
  private functions: FunctionDef[] = [];
  private importedFunctionCount = 0;
  private memory: number[] | undefined;
  private exports: number[][] = [];
  private data: number[][] = [];

  private typeIndex(params: ValueType[], results: ValueType[]): number {
    const key = JSON.stringify([params, results]);
    let index = this.types.indexOf(key);
    if (index < 0) index = this.types.push(key) - 1;
    return index;
  }

  /** Imports a function; returns its function index. Import before defining functions. */
  importFunction(module: string, name: string, params: ValueType[], results: ValueType[] = []): number {
    if (this.functions.length > 0) throw new Error('import functions before defining any');
    this.imports.push([...encodeName(module), ...encodeName(name), 0x00, ...encodeVarUint(this.typeIndex(params, results))]);
    return this.importedFunctionCount++;
  }

  /** Imports a memory (as `--importMemory` toolchains do). */
  importMemory(module: string, name: string, minPages: number, maxPages?: number): this {
    this.imports.push([...encodeName(module), ...encodeName(name), 0x02, ...limits(minPages, maxPages)]);
    return this;
  }

  /** Defines memory 0 and exports it as `memory`. */
  defineMemory(minPages: number, maxPages?: number): this {
    this.memory = limits(minPages, maxPages);
    this.exports.push([...encodeName('memory'), 0x02, 0x00]);
    return this;
  }

  /** Defines a function; returns its function index. */
  addFunction(options: { params?: ValueType[]; results?: ValueType[]; locals?: ValueType[]; body: number[][]; exportName?: string }): number {
    const type = this.typeIndex(options.params ?? [], options.results ?? []);
    this.functions.push({ type, locals: options.locals ?? [], body: options.body.flat(), exportName: options.exportName });
    const index = this.importedFunctionCount + this.functions.length - 1;
    if (options.exportName !== undefined) this.exports.push([...encodeName(options.exportName), 0x00, ...encodeVarUint(index)]);
    return index;
  }

  /** Active data segment in memory 0. */
  addData(offset: number, bytes: Uint8Array | string): this {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    this.data.push([0x00, 0x41, ...encodeVarInt(offset), 0x0b, ...encodeVarUint(data.length), ...data]);
    return this;
  }

  build(): Uint8Array {
    const sections: number[][] = [];
    const section = (id: number, content: number[]): void => {
      sections.push([id, ...encodeVarUint(content.length), ...content]);
    };
    const typeEntries = this.types.map((key) => {
      const [params, results] = JSON.parse(key) as [number[], number[]];
      return [0x60, ...encodeVarUint(params.length), ...params, ...encodeVarUint(results.length), ...results];
    });
    if (typeEntries.length) section(1, vector(typeEntries));
    if (this.imports.length) section(2, vector(this.imports));
    if (this.functions.length) section(3, vector(this.functions.map((f) => encodeVarUint(f.type))));
    if (this.memory) section(5, vector([this.memory]));
    if (this.exports.length) section(7, vector(this.exports));
    if (this.functions.length) {
      section(
        10,
        vector(
          this.functions.map((f) => {
            const locals = vector(f.locals.map((t) => [1, t]));
            const body = [...locals, ...f.body, 0x0b];
            return [...encodeVarUint(body.length), ...body];
          }),
        ),
      );
    }
    if (this.data.length) section(11, vector(this.data));
    return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
  }
}

function limits(minPages: number, maxPages?: number): number[] {
  return maxPages === undefined ? [0x00, ...encodeVarUint(minPages)] : [0x01, ...encodeVarUint(minPages), ...encodeVarUint(maxPages)];
}
