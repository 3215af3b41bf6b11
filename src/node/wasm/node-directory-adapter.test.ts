import { describe, it, expect, beforeEach, afterEach, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { WasmModuleCache, type DirGrant } from '../../sandbox/wasm/index.js';
import { readFileGuest, writeFileGuest } from '../../sandbox/wasm/testing/wasi-test-guests.js';
import { WasmWorkerPool } from './wasm-worker-pool.js';

const cache = new WasmModuleCache();
const pool = new WasmWorkerPool({ size: 1 });
afterAll(() => pool.close());

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'agentbox-wasm-dir-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(root, 'inside.txt'), 'inside data');
  writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link-to-secret'));
  symlinkSync(outside, join(root, 'link-to-outside-dir'));
  symlinkSync(join(outside, 'planted.txt'), join(root, 'dangling'));
  symlinkSync(join(root, 'inside.txt'), join(root, 'link-inside'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

async function run(bytes: Uint8Array, write = true): Promise<{ exitCode: number; stdout: string }> {
  const dirs: DirGrant[] = [{ host: root, guest: '/data', write }];
  const result = await pool.run({ loaded: await cache.load(bytes, { memoryMb: 4 }), dirs, timeoutMs: 5_000, maxOutputBytes: 1 << 20 });
  return { exitCode: result.exitCode, stdout: new TextDecoder().decode(result.stdout) };
}

function outsideUntouched(): void {
  expect(readdirSync(outside).sort()).toEqual(['secret.txt']);
  expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
}

describe('NodeDirectoryAdapter through the worker pool', () => {
  it('reads a granted file, and a symlink that stays inside', async () => {
    expect(await run(readFileGuest('inside.txt'))).toEqual({ exitCode: 0, stdout: 'inside data' });
    expect(await run(readFileGuest('link-inside'))).toEqual({ exitCode: 0, stdout: 'inside data' });
  });

  it.each([
    ['../outside/secret.txt'],
    ['/' + 'etc/passwd'],
    ['link-to-secret'],
    ['link-to-outside-dir/secret.txt'],
  ])('refuses to read %s', async (path) => {
    const result = await run(readFileGuest(path));
    expect(result.exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(result.stdout).not.toContain('SECRET');
  });

  it.each([['../outside/planted.txt'], ['link-to-outside-dir/planted.txt'], ['dangling'], ['link-to-secret']])('refuses to write %s', async (path) => {
    const result = await run(writeFileGuest(path, 'pwned'));
    expect(result.exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    outsideUntouched();
  });

  it('writes inside a writable grant', async () => {
    expect((await run(writeFileGuest('new/../made.txt', 'hello'))).exitCode).toBe(0);
    expect(readFileSync(join(root, 'made.txt'), 'utf8')).toBe('hello');
    outsideUntouched();
  });

  it('refuses every write in a read-only grant', async () => {
    expect((await run(writeFileGuest('inside.txt', 'changed'), false)).exitCode).toBe(wasi.ERRNO_ROFS);
    expect((await run(writeFileGuest('fresh.txt', 'x'), false)).exitCode).toBe(wasi.ERRNO_ROFS);
    expect(readFileSync(join(root, 'inside.txt'), 'utf8')).toBe('inside data');
    expect(existsSync(join(root, 'fresh.txt'))).toBe(false);
  });

  it('reports a granted directory that does not exist', async () => {
    const loaded = await cache.load(readFileGuest('x'), { memoryMb: 4 });
    const missing = join(base, 'missing');
    await expect(pool.run({ loaded, dirs: [{ host: missing, guest: '/d', write: false }], timeoutMs: 5_000, maxOutputBytes: 1024 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(missing),
    });
  });
});
