/**
 * Attack: a WASI guest, now able to make symlinks, plants one that leads out of its grant
 * (`../outside/…`, through a subdirectory, via a chain, or dangling so that a write would
 * create the target outside) and uses it to read, overwrite or create host files. Every
 * use re-resolves the link and refuses it; the guest reaches nothing outside.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeDirectoryAdapter } from '../../src/node/wasm/node-directory-adapter.js';
import { createWasi } from '../../src/sandbox/wasm/create-wasi.js';

const FOLLOW = 1;
const READ = 1n << 1n;
const WRITE = 1n << 6n;

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'agentbox-wasi-guest-link-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** The guest's imports over a real grant, called as a module would, with a real linear memory. */
function guest() {
  const context = createWasi({
    argv0: 'guest',
    args: [],
    env: {},
    stdin: new Uint8Array(0),
    dirs: [{ guest: '/data', adapter: new NodeDirectoryAdapter(root), write: true }],
    maxOutputBytes: 1024,
    maxFileBytes: 1 << 20,
    maxOpenFiles: 16,
    clock: false,
    random: false,
    onOutput: undefined,
  });
  const memory = new WebAssembly.Memory({ initial: 1 });
  context.wasi.inst = { exports: { memory } };
  const bytes = new Uint8Array(memory.buffer);
  const view = new DataView(memory.buffer);
  const call = (name: string, ...args: Array<number | bigint>): number => (context.imports[name] as (...a: Array<number | bigint>) => number)(...args);
  const put = (at: number, text: string): number => {
    const encoded = new TextEncoder().encode(text);
    bytes.set(encoded, at);
    return encoded.length;
  };
  return {
    symlink: (target: string, link: string) => call('path_symlink', 1024, put(1024, target), 3, 2048, put(2048, link)),
    open: (file: string, oflags: number, rights: bigint) => {
      const ret = call('path_open', 3, FOLLOW, 2048, put(2048, file), oflags, rights, 0n, 0, 64);
      return { ret, fd: view.getUint32(64, true) };
    },
    read: (fd: number): string => {
      view.setUint32(0, 4096, true);
      view.setUint32(4, 256, true);
      call('fd_read', fd, 0, 1, 8);
      return new TextDecoder().decode(bytes.slice(4096, 4096 + view.getUint32(8, true)));
    },
  };
}

function outsideUntouched(): void {
  expect(readdirSync(outside)).toEqual(['secret.txt']);
  expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
}

describe('a symlink a WASI guest makes to leave its grant', () => {
  it.each([
    ['up', '../outside/secret.txt', 'up'],
    ['a link in a subdirectory', '../../outside/secret.txt', 'sub/up'],
    ['a link to the outside directory', '../outside', 'out/secret.txt'],
  ])('cannot be read or written through (%s)', (_name, target, use) => {
    const g = guest();
    const link = use.startsWith('out/') ? 'out' : use;
    expect(g.symlink(target, link)).toBe(wasi.ERRNO_SUCCESS);
    const read = g.open(use, 0, READ);
    expect(read.ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(g.open(use, wasi.OFLAGS_TRUNC, WRITE).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    outsideUntouched();
  });

  it('cannot be reached through a chain of links inside the grant', () => {
    const g = guest();
    expect(g.symlink('../../outside/secret.txt', 'sub/hop')).toBe(wasi.ERRNO_SUCCESS);
    expect(g.symlink('sub/hop', 'start')).toBe(wasi.ERRNO_SUCCESS);
    expect(g.open('start', 0, READ).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    outsideUntouched();
  });

  it('cannot create a file outside through a dangling link', () => {
    const g = guest();
    expect(g.symlink('../outside/planted.txt', 'plant')).toBe(wasi.ERRNO_SUCCESS);
    expect(g.open('plant', wasi.OFLAGS_CREAT, WRITE).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    outsideUntouched();
  });

  it('cannot be made with an absolute target, while a link inside reads', () => {
    const g = guest();
    expect(g.symlink(path.join(outside, 'secret.txt'), 'abs')).toBe(wasi.ERRNO_PERM);
    writeFileSync(path.join(root, 'sub', 'own.txt'), 'own data');
    expect(g.symlink('sub/own.txt', 'mine')).toBe(wasi.ERRNO_SUCCESS);
    const { ret, fd } = g.open('mine', 0, READ);
    expect(ret).toBe(wasi.ERRNO_SUCCESS);
    expect(g.read(fd)).toBe('own data');
    outsideUntouched();
  });
});
