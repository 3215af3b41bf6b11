/**
 * Runs a loaded WASI command module once, to completion, on the calling thread: a fresh
 * instance, the granted capabilities and nothing else. Code on the calling thread cannot
 * be interrupted, so hosts that need a deadline call this inside a worker they can
 * terminate (`src/node/wasm/`). Limits hit here (memory, output) are thrown as typed errors.
 */
import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { AgentboxError } from '../../errors/index.js';
import { WASM_PAGE_BYTES } from './cap-wasm-memory.js';
import { OutputLimitExceeded } from './capped-output-fd.js';
import { type GrantedDirectory, createWasi } from './create-wasi.js';
import { GrantedFileFd } from './granted-file-fd.js';
import type { LoadedWasmModule } from './wasm-module-cache.js';

export const DEFAULT_MAX_FILE_BYTES = 64 * 1048576;
export const DEFAULT_MAX_OPEN_FILES = 256;
/** Exit code reported for a trap, as a shell reports SIGABRT (128 + 6). */
export const TRAP_EXIT_CODE = 134;

export interface RunWasiModuleOptions {
  loaded: Pick<LoadedWasmModule, 'module' | 'memory' | 'ceilingPages'>;
  argv0?: string;
  args?: readonly string[];
  stdin?: Uint8Array;
  env?: Readonly<Record<string, string>>;
  dirs?: readonly GrantedDirectory[];
  maxOutputBytes: number;
  /** Largest size a guest may grow a file to (default 64 MiB); files of any size can be read. */
  maxFileBytes?: number;
  /** Files open at once (each holds a host descriptor); default 256. */
  maxOpenFiles?: number;
  clock?: boolean;
  random?: boolean;
  /** Live pass-through of output; when set, the result's stdout/stderr are empty. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void;
}

export interface WasiRunResult {
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Set when the guest trapped (exitCode is then 134). */
  trap?: string;
  /** Guest linear memory at the end of the run. */
  memoryBytes: number;
  durationMs: number;
}

function tail(bytes: Uint8Array, max = 2048): string {
  const text = new TextDecoder().decode(bytes);
  return text.length > max ? `…${text.slice(-max)}` : text;
}

export async function runWasiModule(options: RunWasiModuleOptions): Promise<WasiRunResult> {
  const started = performance.now();
  const { loaded } = options;
  const context = createWasi({
    argv0: options.argv0 ?? 'main.wasm',
    args: options.args ?? [],
    env: options.env ?? {},
    stdin: options.stdin ?? new Uint8Array(0),
    dirs: options.dirs ?? [],
    maxOutputBytes: options.maxOutputBytes,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxOpenFiles: options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES,
    clock: options.clock ?? false,
    random: options.random ?? false,
    onOutput: options.onOutput,
  });
  const importObject: WebAssembly.Imports = { wasi_snapshot_preview1: context.imports };
  let memory: WebAssembly.Memory | undefined;
  const declared = loaded.memory;
  if (declared.import) {
    memory = new WebAssembly.Memory({ initial: declared.minPages, maximum: declared.maxPages, shared: declared.shared });
    importObject[declared.import.module] = { ...importObject[declared.import.module], [declared.import.name]: memory };
  }
  // The shim reads memory through `inst.exports.memory`; a WASI call from a start section
  // (before instantiate returns) gets a clear error instead of a TypeError.
  let instance: WebAssembly.Instance | undefined;
  context.wasi.inst = {
    get exports() {
      const mem = memory ?? (instance?.exports.memory as WebAssembly.Memory | undefined);
      if (!mem) throw new Error('WASI call before the module finished instantiating (build with --exportStart _start)');
      return { memory: mem };
    },
  };
  let exitCode = 0;
  let trap: string | undefined;
  let initialBytes = 0;
  try {
    instance = await WebAssembly.instantiate(loaded.module, importObject);
    memory ??= instance.exports.memory as WebAssembly.Memory;
    initialBytes = memory.buffer.byteLength;
    (instance.exports._start as () => void)();
  } catch (error) {
    if (error instanceof WASIProcExit) exitCode = error.code;
    else if (error instanceof OutputLimitExceeded) {
      throw new AgentboxError('SANDBOX_OUTPUT_LIMIT', `wasm guest output limit hit: ${error.message}`, {
        details: { limit: 'output', stream: error.stream, limitBytes: error.limitBytes, stderr: tail(context.stderr.contents()) },
      });
    } else if (error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message))) {
      trap = error.message;
      exitCode = TRAP_EXIT_CODE;
    } else throw error;
  } finally {
    // Writes are already in the files; this only gives back the host descriptors left open.
    for (const fd of context.wasi.fds) if (fd instanceof GrantedFileFd) fd.release();
  }
  const memoryBytes = memory?.buffer.byteLength ?? 0;
  const limitBytes = declared.maxPages * WASM_PAGE_BYTES;
  // A trap after the guest grew its memory close to the cap is what an allocator does when
  // memory.grow returns -1: report the limit, not a mystery trap.
  if (trap !== undefined && memoryBytes > initialBytes && memoryBytes * 2 >= limitBytes) {
    throw new AgentboxError('SANDBOX_MEMORY_LIMIT', `wasm guest hit its memory limit of ${limitBytes / 1048576} MiB (trap: ${trap})`, {
      details: { limit: 'memory', phase: 'run', memoryBytes, limitBytes, stderr: tail(context.stderr.contents()) },
    });
  }
  return {
    exitCode,
    stdout: context.stdout.contents(),
    stderr: context.stderr.contents(),
    ...(trap !== undefined ? { trap } : {}),
    memoryBytes,
    durationMs: performance.now() - started,
  };
}
