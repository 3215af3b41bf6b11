/**
 * `agentbox wasm run`: runs any WASI preview1 command module under the same sandbox as
 * WASM tools — the `wasmtime run` of agentbox, for debugging tools and conformance runs.
 * stdin is passed in (read to the end first, unless it is a terminal), stdout and stderr
 * stream out as the guest writes them, and the guest's exit code becomes ours.
 *
 * Exit codes: the guest's own; 134 when it traps; 124 at the time limit; 125 at the memory
 * or output limit; 126 when the module cannot be loaded; 2 for bad flags.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AgentboxError } from '../../errors/index.js';
import type { WasmFsRoot } from '../../sandbox/wasm/index.js';

export interface WasmCommandIo {
  stdout: { write(chunk: Uint8Array | string): unknown };
  stderr: { write(chunk: Uint8Array | string): unknown };
  /** All of stdin; by default read from the process unless it is a terminal. */
  readStdin(): Promise<Uint8Array>;
}

interface RunFlags {
  dir: string[];
  roDir: string[];
  env: string[];
  timeoutMs: string;
  memoryMb: string;
  maxOutputMb: string;
  allowClock?: boolean;
  allowRandom?: boolean;
}

const LIMIT_EXIT: Record<string, number> = { TOOL_TIMEOUT: 124, SANDBOX_MEMORY_LIMIT: 125, SANDBOX_OUTPUT_LIMIT: 125, WASM_LOAD_FAILED: 126, INVALID_INPUT: 2 };

async function readProcessStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) return new Uint8Array(0);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const defaultIo: WasmCommandIo = { stdout: process.stdout, stderr: process.stderr, readStdin: readProcessStdin };

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new AgentboxError('INVALID_INPUT', `${flag} must be a positive number, got "${value}"`);
  return n;
}

/** `HOST::GUEST`, or `HOST` alone (seen by the guest under the same path). */
export function parseDirFlag(value: string, write: boolean): WasmFsRoot {
  const [path, guest, extra] = value.split('::');
  if (!path || extra !== undefined || guest === '') throw new AgentboxError('INVALID_INPUT', `--dir expects HOST::GUEST, got "${value}"`);
  return { path, guest: guest ?? path, write };
}

/** `K=V`, or `K` alone to pass the host's value of K (only if set). */
export function parseEnvFlags(values: string[], hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (!key || key.includes('\0')) throw new AgentboxError('INVALID_INPUT', `--env expects K=V, got "${value}"`);
    const v = eq < 0 ? hostEnv[key] : value.slice(eq + 1);
    if (v !== undefined) env[key] = v;
  }
  return env;
}

export function registerWasmCommands(program: Command, io: WasmCommandIo = defaultIo): void {
  const wasm = program.command('wasm').description('run WebAssembly (WASI preview1) modules in the sandbox');
  wasm
    .command('run')
    .description('run a WASI command module with only the directories and environment you grant (guest options go after --)')
    .argument('<module>', 'path to a .wasm WASI command module')
    .argument('[args...]', 'arguments for the module (after argv[0])')
    .option('--dir <HOST::GUEST>', 'grant a host directory read-write, seen by the guest as GUEST (repeatable)', collect, [])
    .option('--ro-dir <HOST::GUEST>', 'grant a host directory read-only (repeatable)', collect, [])
    .option('--env <K=V>', 'set a guest environment variable; K alone copies the host value (repeatable)', collect, [])
    .option('--timeout-ms <n>', 'stop the module after this much time', '30000')
    .option('--memory-mb <n>', 'memory ceiling for the module', '256')
    .option('--max-output-mb <n>', 'stop the module when stdout or stderr passes this size', '64')
    .option('--allow-clock', 'let the module read the clock and sleep')
    .option('--allow-random', 'let the module read random bytes')
    .action(async (modulePath: string, args: string[], flags: RunFlags) => {
      process.exitCode = await runCommand(modulePath, args, flags, io);
    });
}

async function runCommand(modulePath: string, args: string[], flags: RunFlags, io: WasmCommandIo): Promise<number> {
  try {
    const dirs = [...flags.dir.map((d) => parseDirFlag(d, true)), ...flags.roDir.map((d) => parseDirFlag(d, false))];
    const env = parseEnvFlags(flags.env);
    const timeoutMs = positiveNumber('--timeout-ms', flags.timeoutMs);
    const memoryMb = positiveNumber('--memory-mb', flags.memoryMb);
    const maxOutputBytes = Math.floor(positiveNumber('--max-output-mb', flags.maxOutputMb) * 1048576);
    const module = await readFile(modulePath).catch((error: NodeJS.ErrnoException) => {
      throw new AgentboxError('WASM_LOAD_FAILED', `cannot read ${modulePath}: ${error.code ?? error.message}`);
    });
    const { runWasi } = await import('../../node/wasm/run-wasi.js');
    const result = await runWasi({
      module,
      label: modulePath,
      argv0: modulePath,
      args,
      stdin: await io.readStdin(),
      env,
      dirs,
      timeoutMs,
      memoryMb,
      maxOutputBytes,
      clock: flags.allowClock ?? false,
      random: flags.allowRandom ?? false,
      onOutput: (stream, chunk) => (stream === 'stdout' ? io.stdout : io.stderr).write(chunk),
    });
    if (result.trap !== undefined) io.stderr.write(`agentbox wasm: the module trapped: ${result.trap}\n`);
    return result.exitCode;
  } catch (error) {
    if (!AgentboxError.isInstance(error)) throw error;
    io.stderr.write(`agentbox wasm: error ${error.code}: ${error.message}\n`);
    return LIMIT_EXIT[error.code] ?? 1;
  }
}
