/**
 * Attack: a host-side hard link inside a WASI directory grant names a file outside it.
 * Paths cannot tell the two names apart, so the guest read and overwrote the outside file
 * (the fs tools already refused files with other links; the WASI adapter did not).
 *
 * Guests may now make hard links inside their grant (issue 10): the adapter records the
 * files it linked (device, inode, birth time) in a registry outside the grant. These tests
 * hold that the host's link stays refused beside them, across runs and pools, that a guest
 * cannot launder the host's link through a link of its own, and that a recorded inode
 * number reused by another file vouches for nothing.
 */
import { appendFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeWasmHost } from '../../src/node/wasm/node-wasm-host.js';
import { WasmModuleCache } from '../../src/sandbox/wasm/index.js';
import { linkGuest, readFileGuest, writeFileGuest } from '../../src/sandbox/wasm/testing/wasi-test-guests.js';

const cache = new WasmModuleCache();
const registries = mkdtempSync(path.join(tmpdir(), 'agentbox-wasi-link-registry-'));
const pool = new NodeWasmHost({ size: 1, linkRegistryDir: registries });
afterAll(async () => {
  await pool.close();
  rmSync(registries, { recursive: true, force: true });
});

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

async function run(bytes: Uint8Array, host: NodeWasmHost = pool): Promise<{ exitCode: number; stdout: string }> {
  const loaded = await cache.load(bytes, { memoryMb: 4 });
  const result = await host.run({ loaded, dirs: [{ path: root, guest: '/data', write: true }], timeoutMs: 5_000, maxOutputBytes: 1 << 16 });
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

describe('hard links the guest makes in its grant', () => {
  it('work across runs and pools, while the host-made link to an outside file stays refused', async () => {
    expect(await run(linkGuest('own.txt', 'own-link.txt'))).toEqual({ exitCode: 0, stdout: '' });
    expect(statSync(path.join(root, 'own.txt')).nlink).toBe(2);
    // A later run on a fresh pool (fresh workers, fresh adapters) reads the registry from disk.
    const later = new NodeWasmHost({ size: 1, linkRegistryDir: registries });
    try {
      expect(await run(readFileGuest('own-link.txt'), later)).toEqual({ exitCode: 0, stdout: 'own data' });
      expect((await run(writeFileGuest('own-link.txt', 'through the link'), later)).exitCode).toBe(0);
      expect(await run(readFileGuest('own.txt'), later)).toEqual({ exitCode: 0, stdout: 'through the link' });
      const refused = await run(readFileGuest('hard-link'), later);
      expect(refused.exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
      expect(refused.stdout).not.toContain('SECRET');
    } finally {
      await later.close();
    }
    expect(readFileSync(secret, 'utf8')).toBe('TOP SECRET');
  });

  it('cannot be made of the host-made link: linking it is refused and records nothing', async () => {
    expect((await run(linkGuest('hard-link', 'laundered'))).exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(readdirSync(root).sort()).toEqual(['hard-link', 'own.txt']);
    expect((await run(readFileGuest('hard-link'))).exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
  });

  it('are recorded with the birth time: an entry for the same device and inode of an earlier file vouches for nothing', async () => {
    expect((await run(linkGuest('own.txt', 'own-link.txt'))).exitCode).toBe(0);
    const grant = statSync(root, { bigint: true });
    const registry = `${grant.dev}-${grant.ino}-${grant.birthtimeNs}.links`;
    expect(readdirSync(registries)).toContain(registry);
    const outside = statSync(secret, { bigint: true });
    // What a stale entry looks like once a linked file is gone and its inode number is reused.
    appendFileSync(path.join(registries, registry), `${outside.dev} ${outside.ino} ${outside.birthtimeNs - 1n}\n`);
    expect((await run(readFileGuest('hard-link'))).exitCode).toBe(wasi.ERRNO_NOTCAPABLE);
    // The exact identity would vouch: the birth time is what tells the two files apart.
    appendFileSync(path.join(registries, registry), `${outside.dev} ${outside.ino} ${outside.birthtimeNs}\n`);
    expect(await run(readFileGuest('hard-link'))).toEqual({ exitCode: 0, stdout: 'TOP SECRET' });
  });

  it('are refused with EPERM when the registry would lie inside the grant, where the guest could write it', async () => {
    const inside = new NodeWasmHost({ size: 1, linkRegistryDir: path.join(root, '.agentbox-links') });
    try {
      expect((await run(linkGuest('own.txt', 'own-link.txt'), inside)).exitCode).toBe(wasi.ERRNO_PERM);
    } finally {
      await inside.close();
    }
    expect(readdirSync(root).sort()).toEqual(['hard-link', 'own.txt']);
  });
});
