/**
 * Runs one corpus program under each of the three hosts compared in the corpus test:
 * agentbox (the Node directory adapter over a real temp dir, and the in-memory adapter
 * the browser uses), `node:wasi` (uvwasi over
 * the same kind of dir) and bare `@bjorn3/browser_wasi_shim` (its in-memory preopen, the
 * library agentbox builds on). Each gets a fresh empty directory, preopened as `.`.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI as NodeWasi } from 'node:wasi';
import { File, OpenFile, PreopenDirectory, WASI as ShimWasi, WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { NodeDirectoryAdapter } from '../../src/node/wasm/node-directory-adapter.js';
import { MemoryDirectoryAdapter } from '../../src/sandbox/wasm/memory-directory-adapter.js';
import { runWasiModule } from '../../src/sandbox/wasm/run-wasi-module.js';
import { WasmModuleCache } from '../../src/sandbox/wasm/wasm-module-cache.js';

export interface CorpusProgram {
  program: string;
  stdout: string;
  exitCode: number;
  stdin?: string;
}

export interface CorpusOutcome {
  stdout: string;
  exitCode: number;
}

export type CorpusRunner = (wasm: Uint8Array<ArrayBuffer>, program: CorpusProgram) => Promise<CorpusOutcome>;

const cache = new WasmModuleCache();
const MiB = 1 << 20;

async function inTempDir<T>(use: (root: string, base: string) => Promise<T>): Promise<T> {
  const base = mkdtempSync(join(tmpdir(), 'agentbox-wasi-corpus-'));
  const root = join(base, 'root');
  mkdirSync(root);
  try {
    return await use(root, base);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** agentbox over the Node adapter: open files hold a descriptor, never the content. */
export const runAgentbox: CorpusRunner = (wasm, program) =>
  inTempDir(async (root, base) => {
    const adapter = new NodeDirectoryAdapter(root, { linkRegistryDir: join(base, 'links') });
    const result = await runWasiModule({
      loaded: await cache.load(wasm, { memoryMb: 64, label: program.program }),
      argv0: program.program,
      stdin: new TextEncoder().encode(program.stdin ?? ''),
      dirs: [{ guest: '.', adapter, write: true }],
      maxOutputBytes: MiB,
      maxFileBytes: 64 * MiB,
      maxOpenFiles: 64,
      clock: true,
      random: true,
    });
    adapter.close();
    return { stdout: new TextDecoder().decode(result.stdout), exitCode: result.exitCode };
  });

/** agentbox over the in-memory adapter (the browser's): the same programs, no disk. */
export const runAgentboxMemory: CorpusRunner = async (wasm, program) => {
  const result = await runWasiModule({
    loaded: await cache.load(wasm, { memoryMb: 64, label: program.program }),
    argv0: program.program,
    stdin: new TextEncoder().encode(program.stdin ?? ''),
    dirs: [{ guest: '.', adapter: new MemoryDirectoryAdapter(), write: true }],
    maxOutputBytes: MiB,
    maxFileBytes: 64 * MiB,
    maxOpenFiles: 64,
    clock: true,
    random: true,
  });
  return { stdout: new TextDecoder().decode(result.stdout), exitCode: result.exitCode };
};

export const runNodeWasi: CorpusRunner = (wasm, program) =>
  inTempDir(async (root, base) => {
    writeFileSync(join(base, 'stdin'), program.stdin ?? '');
    writeFileSync(join(base, 'stdout'), '');
    const stdin = openSync(join(base, 'stdin'), 'r');
    const stdout = openSync(join(base, 'stdout'), 'w');
    try {
      const host = new NodeWasi({ version: 'preview1', args: [program.program], preopens: { '.': root }, stdin, stdout, returnOnExit: true });
      const instance = await WebAssembly.instantiate(await WebAssembly.compile(wasm), host.getImportObject() as WebAssembly.Imports);
      const exitCode = host.start(instance);
      return { stdout: readFileSync(join(base, 'stdout'), 'utf8'), exitCode };
    } finally {
      closeSync(stdin);
      closeSync(stdout);
    }
  });

export const runBareShim: CorpusRunner = async (wasm, program) => {
  const stdout = new File(new Uint8Array(0));
  const fds = [
    new OpenFile(new File(new TextEncoder().encode(program.stdin ?? ''))),
    new OpenFile(stdout),
    new OpenFile(new File(new Uint8Array(0))),
    new PreopenDirectory('.', new Map()),
  ];
  const host = new ShimWasi([program.program], [], fds, { debug: false });
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(wasm), { wasi_snapshot_preview1: host.wasiImport as WebAssembly.ModuleImports });
  let exitCode: number;
  try {
    exitCode = host.start(instance as never);
  } catch (error) {
    // The shim throws strings (sockets, signals) and traps surface as RuntimeErrors.
    exitCode = error instanceof WASIProcExit ? error.code : 134;
  }
  return { stdout: new TextDecoder().decode(stdout.data), exitCode };
};
