/**
 * Attack: a host-side hard link inside a WASI directory grant names a file outside it.
 * Paths cannot tell the two names apart, so the guest read and overwrote the outside file
 * (the fs tools already refused files with other links; the WASI adapter did not).
 */
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeWasmHost } from '../../src/node/wasm/node-wasm-host.js';
import { WasmModuleCache } from '../../src/sandbox/wasm/index.js';
import { readFileGuest, writeFileGuest } from '../../src/sandbox/wasm/testing/wasi-test-guests.js';

const cache = new WasmModuleCache();
const pool = new NodeWasmHost({ size: 1 });
afterAll(() => pool.close());

let base: string;
let root: string;
let secret: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'agentbox-wasi-hardlink-'));
  root = path.join(base, 'root');
  mkdirSync(root);
  mkdirSync(path.join(base, 'outside'));
  secret = path.join(base, 'outside', 'secret.txt');
  writeFileSync(secret, 'TOP SECRET');
  writeFileSync(path.join(root, 'own.txt'), 'own data');
  linkSync(secret, path.join(root, 'hard-link'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

async function run(bytes: Uint8Array): Promise<{ exitCode: number; stdout: string }> {
  const loaded = await cache.load(bytes, { memoryMb: 4 });
  const result = await pool.run({ loaded, dirs: [{ path: root, guest: '/data', write: true }], timeoutMs: 5_000, maxOutputBytes: 1 << 16 });
  return { exitCode: result.exitCode, stdout: new TextDecoder().decode(result.stdout) };
}

describe('a hard link in a WASI grant to a file outside it', () => {
  it('cannot be read by the guest', async () => {
    const result = await run(readFileGuest('hard-link'));
    expect(result.stdout).not.toContain('SECRET');
    expect(result.exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
  });

  it('cannot be overwritten or truncated by the guest', async () => {
    const result = await run(writeFileGuest('hard-link', 'pwned'));
    expect(result.exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(readFileSync(secret, 'utf8')).toBe('TOP SECRET');
    expect(readdirSync(path.dirname(secret))).toEqual(['secret.txt']);
  });

  it('leaves singly linked files in the grant readable and writable', async () => {
    expect(await run(readFileGuest('own.txt'))).toEqual({ exitCode: 0, stdout: 'own data' });
    expect((await run(writeFileGuest('own.txt', 'changed'))).exitCode).toBe(0);
    expect(readFileSync(path.join(root, 'own.txt'), 'utf8')).toBe('changed');
  });
});
