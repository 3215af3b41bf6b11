import { describe, expect, it } from 'vitest';
import { wasi } from '@bjorn3/browser_wasi_shim';
import { GrantedDirectoryFd } from './granted-directory-fd.js';
import type { GrantedFileFd } from './granted-file-fd.js';
import { MemoryDirectoryAdapter } from './memory-directory-adapter.js';

const ALL_RIGHTS = 0x1fffffffn;
const READ = BigInt(wasi.RIGHTS_FD_READ);
const WRITE = BigInt(wasi.RIGHTS_FD_WRITE);

function preopen(): GrantedDirectoryFd {
  const adapter = new MemoryDirectoryAdapter({ 'file.txt': 'abc', 'sub/inner.txt': 'x' });
  return new GrantedDirectoryFd({ adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: false }, [], '.');
}

describe('GrantedDirectoryFd.path_open', () => {
  it('opens a directory with O_DIRECTORY and the preopen rights, FD_WRITE included (Rust std does this)', () => {
    const dir = preopen();
    expect(dir.path_open(0, '.', wasi.OFLAGS_DIRECTORY, ALL_RIGHTS, ALL_RIGHTS, 0).ret).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_open(0, 'sub', wasi.OFLAGS_DIRECTORY, ALL_RIGHTS, ALL_RIGHTS, 0).fd_obj).toBeInstanceOf(GrantedDirectoryFd);
  });

  it('still refuses to open a directory for writing without O_DIRECTORY', () => {
    expect(preopen().path_open(0, 'sub', 0, READ | WRITE, 0n, 0).ret).toBe(wasi.ERRNO_ISDIR);
  });

  it('answers NOTDIR for a trailing slash on a file, and ISDIR for one on a file to create', () => {
    const dir = preopen();
    expect(dir.path_open(0, 'file.txt/', 0, READ, 0n, 0).ret).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_filestat_get(0, 'file.txt/').ret).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.path_open(0, 'new/', wasi.OFLAGS_CREAT, WRITE, 0n, 0).ret).toBe(wasi.ERRNO_ISDIR);
    expect(dir.path_filestat_get(0, 'sub/').ret).toBe(wasi.ERRNO_SUCCESS);
  });
});

describe('GrantedFileFd descriptor state', () => {
  it('reports rights that match how the file was opened, and refuses reads on a write-only one', () => {
    const writeOnly = preopen().path_open(0, 'file.txt', 0, WRITE, 0n, 0).fd_obj as GrantedFileFd;
    const rights = writeOnly.fd_fdstat_get().fdstat?.fs_rights_base ?? 0n;
    expect([rights & READ, rights & WRITE]).toEqual([0n, WRITE]);
    expect(writeOnly.fd_read(1).ret).toBe(wasi.ERRNO_BADF);
    const readOnly = preopen().path_open(0, 'file.txt', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    expect((readOnly.fd_fdstat_get().fdstat?.fs_rights_base ?? 0n) & WRITE).toBe(0n);
  });

  it('keeps APPEND set through fd_fdstat_set_flags and writes at the end', () => {
    const fd = preopen().path_open(0, 'file.txt', 0, READ | WRITE, 0n, 0).fd_obj as GrantedFileFd;
    expect(fd.fd_fdstat_set_flags(wasi.FDFLAGS_APPEND)).toBe(wasi.ERRNO_SUCCESS);
    expect(fd.fd_fdstat_get().fdstat?.fs_flags).toBe(wasi.FDFLAGS_APPEND);
    fd.fd_seek(0n, wasi.WHENCE_SET);
    fd.fd_write(new TextEncoder().encode('d'));
    expect(new TextDecoder().decode(fd.fd_pread(10, 0n).data)).toBe('abcd');
  });

  it('reports nlink 1 and the inode path_filestat_get reports', () => {
    const dir = preopen();
    const fd = dir.path_open(0, 'file.txt', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    const { filestat } = fd.fd_filestat_get();
    expect(filestat?.nlink).toBe(1n);
    expect(filestat?.ino).toBe(dir.path_filestat_get(0, 'file.txt').filestat?.ino);
  });
});

describe('file descriptors over the in-memory adapter', () => {
  const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

  it('share one file: a write through one is read through the other, and survives any close order', () => {
    const adapter = new MemoryDirectoryAdapter({ 'f.txt': 'aaaa' });
    const dir = new GrantedDirectoryFd({ adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: false }, [], '.');
    const writer = dir.path_open(0, 'f.txt', 0, READ | WRITE, 0n, 0).fd_obj as GrantedFileFd;
    const reader = dir.path_open(0, 'f.txt', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    expect(writer.fd_pwrite(new TextEncoder().encode('BB'), 1n).ret).toBe(wasi.ERRNO_SUCCESS);
    expect(text(reader.fd_pread(10, 0n).data)).toBe('aBBa');
    expect(writer.fd_close()).toBe(wasi.ERRNO_SUCCESS);
    expect(reader.fd_close()).toBe(wasi.ERRNO_SUCCESS);
    expect(text(adapter.readFile(['f.txt']))).toBe('aBBa');
  });

  it('keeps an unlinked file readable through a descriptor still open, as POSIX does', () => {
    const adapter = new MemoryDirectoryAdapter({ 'gone.txt': 'still here' });
    const dir = new GrantedDirectoryFd({ adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: false }, [], '.');
    const fd = dir.path_open(0, 'gone.txt', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    expect(dir.path_unlink_file('gone.txt')).toBe(wasi.ERRNO_SUCCESS);
    expect(text(fd.fd_read(64).data)).toBe('still here');
  });

  it('zeroes what a shrink cut off when the file grows again', () => {
    const dir = preopen();
    const fd = dir.path_open(0, 'file.txt', 0, READ | WRITE, 0n, 0).fd_obj as GrantedFileFd;
    expect(fd.fd_filestat_set_size(1n)).toBe(wasi.ERRNO_SUCCESS);
    expect(fd.fd_filestat_set_size(3n)).toBe(wasi.ERRNO_SUCCESS);
    expect([...fd.fd_pread(3, 0n).data]).toEqual([97, 0, 0]);
  });
});

describe('symlinks over the in-memory adapter', () => {
  const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  const FOLLOW = 1;

  function grant(): GrantedDirectoryFd {
    const adapter = new MemoryDirectoryAdapter({ 'dir/file.txt': 'via link' });
    return new GrantedDirectoryFd({ adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: false }, [], '.');
  }

  it('creates, reads and follows a link, and stats it with and without FOLLOW', () => {
    const dir = grant();
    expect(dir.symlink('dir/file.txt', 'to-file')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.symlink('dir', 'to-dir')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_readlink('to-file')).toEqual({ ret: wasi.ERRNO_SUCCESS, data: 'dir/file.txt' });
    expect(dir.path_readlink('dir/file.txt').ret).toBe(wasi.ERRNO_INVAL);
    const fd = dir.path_open(FOLLOW, 'to-dir/../to-file', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    expect(text(fd.fd_read(64).data)).toBe('via link');
    expect(dir.path_filestat_get(FOLLOW, 'to-file').filestat?.filetype).toBe(wasi.FILETYPE_REGULAR_FILE);
    expect(dir.path_filestat_get(0, 'to-file').filestat?.filetype).toBe(wasi.FILETYPE_SYMBOLIC_LINK);
    expect(dir.path_open(0, 'to-file', 0, READ, 0n, 0).ret).toBe(wasi.ERRNO_LOOP);
    expect(dir.path_unlink_file('to-file')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_filestat_get(FOLLOW, 'dir/file.txt').ret).toBe(wasi.ERRNO_SUCCESS);
  });

  it('refuses at use a link that leads above the root, and an absolute one at creation', () => {
    const dir = grant();
    expect(dir.symlink('/etc/passwd', 'abs')).toBe(wasi.ERRNO_PERM);
    expect(dir.symlink('../outside', 'up')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.symlink('../../x', 'dir/up2')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_open(FOLLOW, 'up', 0, READ, 0n, 0).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(dir.path_open(FOLLOW, 'dir/up2', wasi.OFLAGS_CREAT, WRITE, 0n, 0).ret).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(dir.path_filestat_get(0, 'up').ret).toBe(wasi.ERRNO_SUCCESS);
  });

  it('answers a dangling link with NOENT and a loop with LOOP, creating nothing through them', () => {
    const dir = grant();
    expect(dir.symlink('nowhere', 'dangling')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_open(FOLLOW, 'dangling', wasi.OFLAGS_CREAT, WRITE, 0n, 0).ret).toBe(wasi.ERRNO_NOENT);
    expect(dir.path_filestat_get(FOLLOW, 'nowhere').ret).toBe(wasi.ERRNO_NOENT);
    expect(dir.symlink('b', 'a')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.symlink('a', 'b')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_open(FOLLOW, 'a', 0, READ, 0n, 0).ret).toBe(wasi.ERRNO_LOOP);
  });
});

describe('O_EXCL on a symlink', () => {
  it('answers EEXIST for a dangling link instead of creating through it', () => {
    const adapter = new MemoryDirectoryAdapter({});
    const dir = new GrantedDirectoryFd({ adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: false }, [], '.');
    expect(dir.symlink('target.txt', 'link')).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_open(1, 'link', wasi.OFLAGS_CREAT | wasi.OFLAGS_EXCL, WRITE, 0n, 0).ret).toBe(wasi.ERRNO_EXIST);
    expect(adapter.stat(['target.txt'])).toBeNull();
  });
});

describe('file times', () => {
  it('are set to the nanosecond in memory, and refused with EROFS on a read-only grant', () => {
    const adapter = new MemoryDirectoryAdapter({ 'f.txt': 'x' });
    const root = { adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: true };
    const dir = new GrantedDirectoryFd(root, [], '.');
    expect(dir.path_filestat_set_times(1, 'f.txt', 1_000_000_000_005n, 2_000_000_000_007n, wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM)).toBe(wasi.ERRNO_SUCCESS);
    const fd = dir.path_open(1, 'f.txt', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    expect(fd.fd_filestat_set_times(0n, 3_000_000_000_000n, wasi.FSTFLAGS_MTIM)).toBe(wasi.ERRNO_SUCCESS);
    const { filestat } = fd.fd_filestat_get();
    expect([filestat?.atim, filestat?.mtim]).toEqual([1_000_000_000_005n, 3_000_000_000_000n]);
    const readOnly = new GrantedDirectoryFd({ ...root, writable: false }, [], '.');
    expect(readOnly.path_filestat_set_times(1, 'f.txt', 0n, 0n, wasi.FSTFLAGS_MTIM)).toBe(wasi.ERRNO_ROFS);
    const readOnlyFd = readOnly.path_open(1, 'f.txt', 0, READ, 0n, 0).fd_obj as GrantedFileFd;
    expect(readOnlyFd.fd_filestat_set_times(0n, 0n, wasi.FSTFLAGS_MTIM)).toBe(wasi.ERRNO_ROFS);
    expect(adapter.stat(['f.txt'])?.modifiedMs).toBe(3_000_000);
  });
});

describe('GrantedDirectoryFd.link (path_link)', () => {
  it('gives a file a second name in its grant: one inode, nlink 2, shared content, kept after the first name goes', () => {
    const dir = preopen();
    expect(dir.link('file.txt', 0, dir, 'copy.txt')).toBe(wasi.ERRNO_SUCCESS);
    const a = dir.path_filestat_get(0, 'file.txt').filestat;
    const b = dir.path_filestat_get(0, 'copy.txt').filestat;
    expect([a?.nlink, b?.nlink, a?.ino === b?.ino]).toEqual([2n, 2n, true]);
    const listed = [0n, 1n, 2n, 3n, 4n]
      .map((cookie) => dir.fd_readdir_single(cookie).dirent)
      .find((d) => d !== null && new TextDecoder().decode(d.dir_name) === 'copy.txt');
    expect(listed?.d_ino).toBe(b?.ino);
    const copy = dir.path_open(0, 'copy.txt', 0, READ | WRITE, 0n, 0).fd_obj as GrantedFileFd;
    expect(copy.fd_pwrite(new TextEncoder().encode('X'), 0n).ret).toBe(wasi.ERRNO_SUCCESS);
    expect(dir.path_unlink_file('file.txt')).toBe(wasi.ERRNO_SUCCESS);
    expect(new TextDecoder().decode(copy.fd_pread(8, 0n).data)).toBe('Xbc');
    expect(copy.fd_filestat_get().filestat?.nlink).toBe(1n);
  });

  it('answers EPERM over an adapter that makes no hard links', () => {
    const adapter = new MemoryDirectoryAdapter({ 'file.txt': 'abc' });
    Object.defineProperty(adapter, 'link', { value: undefined });
    const dir = new GrantedDirectoryFd({ adapter, writable: true, maxFileBytes: 1 << 20, openFiles: { limit: 16, held: 0 }, clock: false }, [], '.');
    expect(dir.link('file.txt', 0, dir, 'copy.txt')).toBe(wasi.ERRNO_PERM);
    expect(dir.path_filestat_get(0, 'copy.txt').ret).toBe(wasi.ERRNO_NOENT);
  });

  it('answers the errnos link(2) gives: a missing source, a directory, a taken name, another grant, a read-only grant', () => {
    const dir = preopen();
    expect(dir.link('missing', 0, dir, 'copy.txt')).toBe(wasi.ERRNO_NOENT);
    expect(dir.link('file.txt', 0, dir, 'sub/inner.txt')).toBe(wasi.ERRNO_EXIST);
    expect(dir.link('sub', 0, dir, 'sub2')).toBe(wasi.ERRNO_PERM);
    expect(dir.link('file.txt/', 0, dir, 'copy.txt')).toBe(wasi.ERRNO_NOTDIR);
    expect(dir.link('../file.txt', 0, dir, 'copy.txt')).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(dir.link('file.txt', 0, dir, '/abs')).toBe(wasi.ERRNO_NOTCAPABLE);
    expect(dir.link('file.txt', 0, preopen(), 'copy.txt')).toBe(wasi.ERRNO_XDEV);
    const readOnly = new GrantedDirectoryFd({ ...dir.root, writable: false }, [], '.');
    expect(readOnly.link('file.txt', 0, readOnly, 'copy.txt')).toBe(wasi.ERRNO_ROFS);
    expect(dir.path_filestat_get(0, 'copy.txt').ret).toBe(wasi.ERRNO_NOENT);
  });
});
