import { describe, it, expect, beforeEach, afterEach, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { WasmModuleCache, type WasmFsRoot } from '../../sandbox/wasm/index.js';
import { createWasi } from '../../sandbox/wasm/create-wasi.js';
import { readFileGuest, writeFileGuest } from '../../sandbox/wasm/testing/wasi-test-guests.js';
import { NodeDirectoryAdapter } from './node-directory-adapter.js';
import { NodeWasmHost } from './node-wasm-host.js';
import { I32, I64, WasmModuleBuilder, op } from '../../sandbox/wasm/testing/wasm-module-builder.js';

const cache = new WasmModuleCache();
const pool = new NodeWasmHost({ size: 1 });
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
  const dirs: WasmFsRoot[] = [{ path: root, guest: '/data', write }];
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

  it.each([['../outside/secret.txt'], ['/' + 'etc/passwd'], ['link-to-secret'], ['link-to-outside-dir/secret.txt']])('refuses to read %s', async (path) => {
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
    await expect(pool.run({ loaded, dirs: [{ path: missing, guest: '/d', write: false }], timeoutMs: 5_000, maxOutputBytes: 1024 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(missing),
    });
  });
});

describe('NodeDirectoryAdapter.open', () => {
  const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  const READ_WRITE = { read: true, write: true, create: false, exclusive: false, truncate: false };

  it('hands out handles on the real file: each sees the other write at once, nothing waits for close', () => {
    const adapter = new NodeDirectoryAdapter(root);
    const a = adapter.open(['inside.txt'], READ_WRITE);
    const b = adapter.open(['inside.txt'], { ...READ_WRITE, write: false });
    a.writeAt(new TextEncoder().encode('IN'), 0);
    expect(readFileSync(join(root, 'inside.txt'), 'utf8')).toBe('INside data');
    const into = new Uint8Array(64);
    expect(text(into.subarray(0, b.readAt(into, 0)))).toBe('INside data');
    a.setSize(2);
    expect(b.size()).toBe(2);
    a.close();
    b.close();
  });

  it('refuses a handle on a symlink out or a hard-linked file, and truncates neither', () => {
    const adapter = new NodeDirectoryAdapter(root);
    expect(() => adapter.open(['link-to-secret'], { ...READ_WRITE, truncate: true })).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
    linkSync(join(outside, 'secret.txt'), join(root, 'hard'));
    expect(() => adapter.open(['hard'], { ...READ_WRITE, truncate: true })).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
  });

  it('creates exclusively and refuses a directory', () => {
    const adapter = new NodeDirectoryAdapter(root);
    const create = { read: false, write: true, create: true, exclusive: true, truncate: false };
    adapter.open(['new.txt'], create).close();
    expect(() => adapter.open(['new.txt'], create)).toThrow(expect.objectContaining({ code: 'EXIST' }));
    mkdirSync(join(root, 'sub'));
    expect(() => adapter.open(['sub'], { ...READ_WRITE, write: false })).toThrow(expect.objectContaining({ code: 'ISDIR' }));
  });
});

describe('NodeDirectoryAdapter.link', () => {
  it('links inside the grant: one file, two names, the same inode from each and from the listing', () => {
    const adapter = new NodeDirectoryAdapter(root, { linkRegistryDir: join(base, 'links') });
    adapter.link(['inside.txt'], ['second.txt']);
    expect(statSync(join(root, 'inside.txt')).ino).toBe(statSync(join(root, 'second.txt')).ino);
    const [a, b] = [adapter.stat(['inside.txt']), adapter.stat(['second.txt'])];
    expect([a?.links, b?.links, a?.inode !== undefined && a.inode === b?.inode]).toEqual([2, 2, true]);
    expect(adapter.list([]).find((e) => e.name === 'second.txt')?.inode).toBe(a?.inode);
    const handle = adapter.open(['second.txt'], { read: true, write: true, create: false, exclusive: false, truncate: false });
    handle.writeAt(new TextEncoder().encode('IN'), 0);
    expect(handle.stat()).toMatchObject({ links: 2, inode: a?.inode });
    handle.close();
    expect(readFileSync(join(root, 'inside.txt'), 'utf8')).toBe('INside data');
  });

  it('follows a symlink at the source only when asked, and links the symlink itself otherwise', () => {
    const adapter = new NodeDirectoryAdapter(root, { linkRegistryDir: join(base, 'links') });
    adapter.link(['link-inside'], ['followed'], { follow: true });
    expect(statSync(join(root, 'followed')).ino).toBe(statSync(join(root, 'inside.txt')).ino);
    adapter.link(['link-to-secret'], ['link-copy']);
    expect(adapter.stat(['link-copy'], { follow: false })?.kind).toBe('symlink');
    expect(() => adapter.link(['link-to-secret'], ['secret-copy'], { follow: true })).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
  });

  it('answers EPERM without a registry, for a directory, and EXIST for a taken name', () => {
    expect(() => new NodeDirectoryAdapter(root).link(['inside.txt'], ['second.txt'])).toThrow(expect.objectContaining({ code: 'PERM' }));
    expect(existsSync(join(root, 'second.txt'))).toBe(false);
    const adapter = new NodeDirectoryAdapter(root, { linkRegistryDir: join(base, 'links') });
    mkdirSync(join(root, 'sub'));
    expect(() => adapter.link(['sub'], ['sub2'])).toThrow(expect.objectContaining({ code: 'PERM' }));
    expect(() => adapter.link(['inside.txt'], ['link-inside'])).toThrow(expect.objectContaining({ code: 'EXIST' }));
  });
});

describe('NodeDirectoryAdapter symlinks', () => {
  it('creates and reads a link, lists it as a link, and unlinks only the link', () => {
    const adapter = new NodeDirectoryAdapter(root);
    adapter.symlink('inside.txt', ['made-link']);
    expect(adapter.readlink(['made-link'])).toBe('inside.txt');
    expect(adapter.stat(['made-link'], { follow: false })?.kind).toBe('symlink');
    expect(adapter.stat(['made-link'])).toMatchObject({ kind: 'file', size: 11 });
    expect(adapter.list([]).find((e) => e.name === 'made-link')?.kind).toBe('symlink');
    adapter.removeFile(['made-link']);
    expect(readFileSync(join(root, 'inside.txt'), 'utf8')).toBe('inside data');
  });

  it('does not show the host path an absolute link names, and removing a link out leaves its target', () => {
    const adapter = new NodeDirectoryAdapter(root);
    expect(() => adapter.readlink(['link-to-secret'])).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
    adapter.removeFile(['link-to-secret']);
    outsideUntouched();
  });

  it('refuses a guest-made relative link out of the grant when it is followed', () => {
    const adapter = new NodeDirectoryAdapter(root);
    adapter.symlink('../outside/secret.txt', ['up']);
    expect(() => adapter.open(['up'], { read: true, write: false, create: false, exclusive: false, truncate: false })).toThrow(
      expect.objectContaining({ code: 'NOTCAPABLE' }),
    );
    adapter.symlink('../outside/new.txt', ['up-dangling']);
    expect(() => adapter.open(['up-dangling'], { read: false, write: true, create: true, exclusive: false, truncate: false })).toThrow(
      expect.objectContaining({ code: 'NOTCAPABLE' }),
    );
    outsideUntouched();
  });
});

describe('NodeDirectoryAdapter path walk', () => {
  it('walks an absolute host link that names the grant from the root, wherever the link is', () => {
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    symlinkSync(join(root, 'inside.txt'), join(root, 'a', 'b', 'abs'));
    symlinkSync(join(root, 'a'), join(root, 'a', 'b', 'up'));
    const adapter = new NodeDirectoryAdapter(root);
    expect(new TextDecoder().decode(adapter.readFile(['a', 'b', 'abs']))).toBe('inside data');
    expect(
      adapter
        .list(['a', 'b', 'up', 'b'])
        .map((e) => e.name)
        .sort(),
    ).toEqual(['abs', 'up']);
    adapter.close();
  });

  it('answers LOOP for a symlink cycle and NOTCAPABLE for a relative link climbing out from a subdirectory', () => {
    mkdirSync(join(root, 'd'));
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync('../../outside/secret.txt', join(root, 'd', 'out'));
    const adapter = new NodeDirectoryAdapter(root);
    expect(() => adapter.readFile(['loop-a'])).toThrow(expect.objectContaining({ code: 'LOOP' }));
    expect(() => adapter.readFile(['d', 'out'])).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
    expect(adapter.stat(['d', 'out'], { follow: false })?.kind).toBe('symlink');
    adapter.close();
  });
});

describe('NodeDirectoryAdapter.setTimes', () => {
  it("sets a file's times to the microsecond, keeping one left out", () => {
    const adapter = new NodeDirectoryAdapter(root);
    adapter.setTimes(['inside.txt'], { accessedMs: 1_000_000.5, modifiedMs: 2_000_000.25 });
    adapter.setTimes(['inside.txt'], { modifiedMs: 3_000_000 });
    const stat = statSync(join(root, 'inside.txt'), { bigint: true });
    expect([stat.atimeNs, stat.mtimeNs]).toEqual([1_000_000_500_000n, 3_000_000_000_000n]);
  });

  it("refuses a hard-linked file and a link out, and sets a link's own times without touching its target", () => {
    const adapter = new NodeDirectoryAdapter(root);
    const secret = join(outside, 'secret.txt');
    const before = statSync(secret, { bigint: true }).mtimeNs;
    linkSync(secret, join(root, 'hard'));
    expect(() => adapter.setTimes(['hard'], { modifiedMs: 5 })).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
    expect(() => adapter.setTimes(['link-to-secret'], { modifiedMs: 5 })).toThrow(expect.objectContaining({ code: 'NOTCAPABLE' }));
    adapter.setTimes(['link-to-secret'], { modifiedMs: 5 }, { follow: false });
    expect(statSync(secret, { bigint: true }).mtimeNs).toBe(before);
  });
});

describe('special files in a grant', () => {
  // A FIFO used to block the worker inside read(2)/open(2), where termination cannot reach
  // it: the call outlived its deadline forever and the pool lost the worker for good.
  it('refuses to read a FIFO instead of blocking the worker', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const started = performance.now();
    const result = await run(readFileGuest('pipe'));
    expect(result.exitCode).toBe(wasi.ERRNO_ACCES);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(pool.stats().workers).toBe(1);
    expect(await run(readFileGuest('inside.txt'))).toEqual({ exitCode: 0, stdout: 'inside data' });
  });

  it('refuses to write a FIFO instead of blocking the worker', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const started = performance.now();
    // Opening it to write is refused: ENXIO with no reader (O_NONBLOCK), ACCES once the descriptor is seen not to be a regular file.
    await run(writeFileGuest('pipe', 'x'));
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(statSync(join(root, 'pipe')).isFIFO()).toBe(true);
    expect(pool.stats().workers).toBe(1);
    expect(await run(readFileGuest('inside.txt'))).toEqual({ exitCode: 0, stdout: 'inside data' });
  });
});

describe('file times through the Node adapter', () => {
  function mtimeOfFreshFile(clock: boolean): bigint {
    const context = createWasi({
      argv0: 'guest',
      args: [],
      env: {},
      stdin: new Uint8Array(0),
      dirs: [{ guest: '/data', adapter: new NodeDirectoryAdapter(root), write: true }],
      maxOutputBytes: 1024,
      maxFileBytes: 1 << 20,
      maxOpenFiles: 16,
      clock,
      random: false,
      onOutput: undefined,
    });
    const memory = new WebAssembly.Memory({ initial: 1 });
    context.wasi.inst = { exports: { memory } };
    const call = (name: string, ...args: Array<number | bigint>): number => (context.imports[name] as (...a: Array<number | bigint>) => number)(...args);
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('fresh'), 512);
    // Create the file (the guest's own write), then read its modification time back.
    expect(call('path_open', 3, 0, 512, 5, wasi.OFLAGS_CREAT, 1n << 6n, 0n, 0, 24)).toBe(wasi.ERRNO_SUCCESS);
    expect(call('path_filestat_get', 3, 0, 512, 5, 4096)).toBe(wasi.ERRNO_SUCCESS);
    const view = new DataView(memory.buffer);
    const mtime = view.getBigUint64(4096 + 48, true);
    // fstat on the open descriptor reports the same time as stat on the path.
    expect(call('fd_filestat_get', view.getUint32(24, true), 8192)).toBe(wasi.ERRNO_SUCCESS);
    expect(view.getBigUint64(8192 + 48, true)).toBe(mtime);
    return mtime;
  }

  it('reports 0 without the clock grant: writing a file and reading its mtime is a clock', () => {
    expect(mtimeOfFreshFile(false)).toBe(0n);
  });

  // This test was flaky (a fresh file's mtime read as 2019 in 2 of 7 runs): the shim's
  // Filestat wrote the times at offsets 38/46/52, not 40/48/56, so the mtime the guest read
  // mixed mtim's high bytes with ctim's low ones, right or wrong depending on those bits.
  // WasiFilestat writes the preview1 layout (wasi-filestat.test.ts pins it); a window of a
  // second each side of the host's clock (file systems stamp with a coarse clock) catches
  // a scrambled time above as well as below.
  it('reports the real time with the clock grant', () => {
    const before = BigInt(Date.now() - 1_000) * 1_000_000n;
    const mtime = mtimeOfFreshFile(true);
    expect(mtime).toBeGreaterThan(before);
    expect(mtime).toBeLessThan(BigInt(Date.now() + 1_000) * 1_000_000n);
  });
});

describe('descriptors held by a guest stopped at its deadline', () => {
  /** Opens `inside.txt` 64 times without closing, then spins until terminated. */
  function holdFilesThenSpin(): Uint8Array {
    const b = new WasmModuleBuilder();
    const pathOpen = b.importFunction('wasi_snapshot_preview1', 'path_open', [I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]);
    b.defineMemory(1);
    const name = new TextEncoder().encode('inside.txt');
    b.addData(512, name);
    const open = [op.i32(3), op.i32(1), op.i32(512), op.i32(name.length), op.i32(0), op.i64(2n), op.i64(0n), op.i32(0), op.i32(64), op.call(pathOpen)].flat();
    const body = [
      op.loop,
      open,
      op.drop,
      op.localGet(0),
      op.i32(1),
      op.i32Add,
      op.localTee(0),
      op.i32(64),
      op.i32Ne,
      op.brIf(0),
      op.end,
      op.loop,
      op.br(0),
      op.end,
    ];
    b.addFunction({ exportName: '_start', locals: [I32], body });
    return b.build();
  }

  // Open files now hold host descriptors for the run; a worker terminated mid-run must not leak them.
  it.skipIf(!existsSync('/proc/self/fd'))('are closed with the terminated worker', async () => {
    const count = (): number => readdirSync('/proc/self/fd').length;
    await pool.ready();
    const before = count();
    const dirs: WasmFsRoot[] = [{ path: root, guest: '/data', write: false }];
    const run = pool.run({ loaded: await cache.load(holdFilesThenSpin(), { memoryMb: 1 }), dirs, timeoutMs: 1_500, maxOutputBytes: 1024 });
    // While it spins, it holds its 64 files open: the test sees descriptors to be released.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(count()).toBeGreaterThanOrEqual(before + 64);
    await expect(run).rejects.toMatchObject({ code: 'TOOL_TIMEOUT' });
    await pool.ready();
    expect(count()).toBeLessThan(before + 16);
  });
});
