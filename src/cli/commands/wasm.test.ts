import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import {
  dumpStringsGuest,
  echoGuest,
  infiniteLoopGuest,
  memoryBombGuest,
  readFileGuest,
  unknownImportGuest,
  writeFileGuest,
  writeGuest,
} from '../../sandbox/wasm/testing/wasi-test-guests.js';
import { registerWasmCommands } from './wasm.js';

let dir: string;
const guests: Record<string, Uint8Array> = {
  echo: echoGuest(),
  fail: writeGuest({ text: 'bad thing\n', fd: 2, exitCode: 42 }),
  args: dumpStringsGuest('args'),
  env: dumpStringsGuest('environ'),
  loop: infiniteLoopGuest(),
  bomb: memoryBombGuest(),
  unknown: unknownImportGuest(),
  read: readFileGuest('in.txt'),
  escape: readFileGuest('../secret.txt'),
  write: writeFileGuest('out.txt', 'written'),
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentbox-wasm-cli-'));
  for (const [name, bytes] of Object.entries(guests)) writeFileSync(join(dir, `${name}.wasm`), bytes);
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'in.txt'), 'granted file');
  writeFileSync(join(dir, 'secret.txt'), 'SECRET');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function cli(argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const text = (chunk: Uint8Array | string): string => (typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
  const program = new Command('agentbox').exitOverride();
  registerWasmCommands(program, {
    stdout: { write: (c) => (stdout += text(c)) },
    stderr: { write: (c) => (stderr += text(c)) },
    readStdin: async () => new TextEncoder().encode(stdin),
  });
  process.exitCode = undefined;
  await program.parseAsync(['wasm', 'run', ...argv], { from: 'user' });
  return { code: Number(process.exitCode ?? 0), stdout, stderr };
}

const wasm = (name: string): string => join(dir, `${name}.wasm`);

describe('agentbox wasm run', () => {
  it('passes stdin through to stdout', async () => {
    expect(await cli([wasm('echo')], 'round trip')).toEqual({ code: 0, stdout: 'round trip', stderr: '' });
  });

  it('returns the guest exit code and its stderr', async () => {
    expect(await cli([wasm('fail')])).toEqual({ code: 42, stdout: '', stderr: 'bad thing\n' });
  });

  it('gives argv[0] and the arguments after --, and only the env granted', async () => {
    expect((await cli([wasm('args'), '--', 'one', '--two'])).stdout).toBe(`${wasm('args')}\0one\0--two\0`);
    process.env.AGENTBOX_CLI_SECRET = 'host-only';
    process.env.AGENTBOX_CLI_SHARED = 'shared';
    try {
      expect((await cli(['--env', 'A=1', '--env', 'AGENTBOX_CLI_SHARED', wasm('env')])).stdout).toBe('A=1\0AGENTBOX_CLI_SHARED=shared\0');
    } finally {
      delete process.env.AGENTBOX_CLI_SECRET;
      delete process.env.AGENTBOX_CLI_SHARED;
    }
  });

  it('maps a granted directory and keeps the guest inside it', async () => {
    const grant = `${join(dir, 'data')}::/data`;
    expect(await cli(['--ro-dir', grant, wasm('read')])).toMatchObject({ code: 0, stdout: 'granted file' });
    expect(await cli(['--ro-dir', grant, wasm('escape')])).toMatchObject({ code: 76, stdout: '' });
    expect((await cli(['--ro-dir', grant, wasm('write')])).code).toBe(69);
    expect(existsSync(join(dir, 'data', 'out.txt'))).toBe(false);
    expect((await cli(['--dir', grant, wasm('write')])).code).toBe(0);
    expect(readFileSync(join(dir, 'data', 'out.txt'), 'utf8')).toBe('written');
  });

  it('reports the limit hit with its own exit code', async () => {
    const timeout = await cli(['--timeout-ms', '150', wasm('loop')]);
    expect(timeout.code).toBe(124);
    expect(timeout.stderr).toMatch(/error TOOL_TIMEOUT: wasm call exceeded its 150 ms time limit/);
    const memory = await cli(['--memory-mb', '8', wasm('bomb')]);
    expect(memory.code).toBe(125);
    expect(memory.stderr).toMatch(/error SANDBOX_MEMORY_LIMIT: wasm guest hit its memory limit of 8 MiB/);
  });

  it('explains modules it cannot load and bad flags', async () => {
    const unknown = await cli([wasm('unknown')]);
    expect(unknown.code).toBe(126);
    expect(unknown.stderr).toContain('imports function "env"."launch_missiles"');
    expect((await cli([join(dir, 'missing.wasm')])).stderr).toContain('ENOENT');
    const bad = await cli(['--dir', 'a::b::c', wasm('echo')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--dir expects HOST::GUEST');
    expect((await cli(['--timeout-ms', 'soon', wasm('echo')])).stderr).toContain('--timeout-ms must be a positive number');
  });
});
