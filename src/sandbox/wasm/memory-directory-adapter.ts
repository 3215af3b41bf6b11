/**
 * A directory held in memory: the portable way to hand a guest files (the browser, tests,
 * a snapshot of inputs). Keys are `/`-separated paths relative to the root.
 *
 * Each file is one buffer that every handle shares (the handle holds the file node, not
 * its name), so it behaves as a file on disk does: writes are seen by every descriptor at
 * once, and a file unlinked or renamed while open stays readable through the handle.
 * Symlinks hold their target text and are followed by walking it from the link's
 * directory; one leading above the root is NOTCAPABLE, a chain of more than 40 is LOOP.
 * A hard link is the same node under a second name; the node counts its names, so `nlink`
 * and the inode agree with the Node adapter's for a link the guest made.
 */
import {
  DirectoryAccessError,
  type DirectoryAdapter,
  type DirectoryEntry,
  type DirectoryEntryStat,
  type DirectoryFileHandle,
  type FileTimes,
  type GuestPath,
  type OpenFileMode,
  type OpenFileStat,
  resolveGuestPath,
} from './directory-adapter.js';
import { inodeOfFile } from './wasi-filestat.js';

/** `data` is capacity; only its first `size` bytes are the file. `links` counts its names; `id` tells it apart. */
type FileNode = { kind: 'file'; data: Uint8Array; size: number; modifiedMs: number; accessedMs?: number; links: number; id: number };

/** The inode every name of a multiply linked file reports; a file with one name is numbered by its path. */
function inodeOfNode(file: FileNode): { inode?: bigint } {
  return file.links > 1 ? { inode: inodeOfFile(`memory:${file.id}`) } : {};
}

/** A name gone from a directory: a file loses one of its names. */
function dropName(node: Node | undefined): void {
  if (node?.kind === 'file') node.links--;
}
type Node =
  | FileNode
  | { kind: 'directory'; children: Map<string, Node>; modifiedMs: number; accessedMs?: number }
  | { kind: 'symlink'; target: string; modifiedMs: number; accessedMs?: number };

function applyTimes(node: Node, times: FileTimes): void {
  node.accessedMs = times.accessedMs ?? node.accessedMs ?? node.modifiedMs;
  if (times.modifiedMs !== undefined) node.modifiedMs = times.modifiedMs;
}

const MAX_SYMLINK_HOPS = 40;

/** Grows a file's buffer to hold `size` bytes, doubling so that many small appends stay linear. */
function reserve(file: FileNode, size: number): void {
  if (size <= file.data.byteLength) return;
  const grown = new Uint8Array(Math.max(size, Math.min(file.data.byteLength * 2, size + (64 << 20))));
  grown.set(file.data.subarray(0, file.size));
  file.data = grown;
}

function setSize(file: FileNode, size: number): void {
  if (size > file.size) reserve(file, size);
  // Bytes past the old end must read as zeros when the file grows again.
  else file.data.fill(0, size, file.size);
  file.size = size;
}

type DirectoryNode = Extract<Node, { kind: 'directory' }>;

/** Whether `children` is the listing of `dir` or of a directory below it. */
function holds(dir: DirectoryNode, children: Map<string, Node>): boolean {
  if (dir.children === children) return true;
  for (const child of dir.children.values()) if (child.kind === 'directory' && holds(child, children)) return true;
  return false;
}

class MemoryFileHandle implements DirectoryFileHandle {
  private closed = false;
  constructor(private readonly file: FileNode) {}

  private live(): FileNode {
    if (this.closed) throw new DirectoryAccessError('IO', 'file handle is closed');
    return this.file;
  }

  readAt(into: Uint8Array, position: number): number {
    const file = this.live();
    if (position >= file.size) return 0;
    const piece = file.data.subarray(position, Math.min(file.size, position + into.byteLength));
    into.set(piece);
    return piece.byteLength;
  }

  writeAt(data: Uint8Array, position: number): void {
    const file = this.live();
    const end = position + data.byteLength;
    if (end > file.size) setSize(file, end);
    file.data.set(data, position);
  }

  size(): number {
    return this.live().size;
  }

  stat(): OpenFileStat {
    const file = this.live();
    return { size: file.size, modifiedMs: file.modifiedMs, accessedMs: file.accessedMs ?? file.modifiedMs, links: file.links, ...inodeOfNode(file) };
  }

  setTimes(times: FileTimes): void {
    applyTimes(this.live(), times);
  }

  setSize(size: number): void {
    setSize(this.live(), size);
  }

  sync(): void {
    this.live();
  }

  close(): void {
    this.closed = true;
  }
}

function newDirectory(): Node {
  return { kind: 'directory', children: new Map(), modifiedMs: 0 };
}

export class MemoryDirectoryAdapter implements DirectoryAdapter {
  private readonly root = newDirectory();
  private nextId = 1;

  /** `files` maps relative paths (`a/b.txt`) to contents; parent directories are implied. */
  constructor(files: Record<string, Uint8Array | string> = {}) {
    for (const [path, content] of Object.entries(files)) {
      const parts = path.split('/').filter((p) => p !== '' && p !== '.');
      for (let i = 1; i < parts.length; i++) if (!this.find(parts.slice(0, i))) this.makeDirectory(parts.slice(0, i));
      this.writeFile(parts, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    }
  }

  /** The node at `path`, following symlinks on the way and, with `followLast`, at the end. */
  private find(path: GuestPath, followLast = true): Node | undefined {
    let pending = [...path];
    let at: string[] = [];
    let node: Node = this.root;
    let hops = 0;
    for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
      if (node.kind !== 'directory') throw new DirectoryAccessError('NOTDIR', 'not a directory');
      const child = node.children.get(name);
      if (child === undefined) return undefined;
      if (child.kind === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new DirectoryAccessError('LOOP', 'too many symlinks');
        // `at` holds no symlinks, so the target's `..` is resolved against real directories.
        const resolved = resolveGuestPath(at, child.target);
        if (!resolved.ok) throw new DirectoryAccessError('NOTCAPABLE', 'symlink leads outside the granted directory');
        pending = [...resolved.path, ...pending];
        at = [];
        node = this.root;
        continue;
      }
      at.push(name);
      node = child;
    }
    return node;
  }

  private parent(path: GuestPath): { dir: Map<string, Node>; name: string } {
    const name = path[path.length - 1];
    if (name === undefined) throw new DirectoryAccessError('ACCES', 'cannot replace the root');
    const node = this.find(path.slice(0, -1));
    if (!node) throw new DirectoryAccessError('NOENT', 'no such directory');
    if (node.kind !== 'directory') throw new DirectoryAccessError('NOTDIR', 'not a directory');
    return { dir: node.children, name };
  }

  private file(path: GuestPath): FileNode {
    const node = this.find(path);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    if (node.kind !== 'file') throw new DirectoryAccessError('ISDIR', 'is a directory');
    return node;
  }

  stat(path: GuestPath, options: { follow?: boolean } = {}): DirectoryEntryStat | null {
    const node = this.find(path, options.follow ?? true);
    if (!node) return null;
    const size = node.kind === 'file' ? node.size : node.kind === 'symlink' ? new TextEncoder().encode(node.target).byteLength : 0;
    const links = node.kind === 'file' ? { links: node.links, ...inodeOfNode(node) } : {};
    return { kind: node.kind, size, modifiedMs: node.modifiedMs, accessedMs: node.accessedMs ?? node.modifiedMs, ...links };
  }

  setTimes(path: GuestPath, times: FileTimes, options: { follow?: boolean } = {}): void {
    const node = this.find(path, options.follow ?? true);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    applyTimes(node, times);
  }

  symlink(target: string, path: GuestPath): void {
    const { dir, name } = this.parent(path);
    if (dir.has(name)) throw new DirectoryAccessError('EXIST', 'already exists');
    dir.set(name, { kind: 'symlink', target, modifiedMs: 0 });
  }

  readlink(path: GuestPath): string {
    const node = this.find(path, false);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    if (node.kind !== 'symlink') throw new DirectoryAccessError('INVAL', 'not a symlink');
    return node.target;
  }

  open(path: GuestPath, mode: OpenFileMode): DirectoryFileHandle {
    if (path.length === 0) throw new DirectoryAccessError('ISDIR', 'the granted root is a directory');
    const { dir, name } = this.parent(path);
    let node = dir.get(name);
    if (node && mode.create && mode.exclusive) throw new DirectoryAccessError('EXIST', 'already exists');
    // Never created through a dangling symlink, as in the Node adapter.
    if (node?.kind === 'symlink') node = this.find(path) ?? this.missing('dangling symlink');
    if (!node) {
      if (!mode.create) throw new DirectoryAccessError('NOENT', 'no such file');
      node = { kind: 'file', data: new Uint8Array(0), size: 0, modifiedMs: 0, links: 1, id: this.nextId++ };
      dir.set(name, node);
    }
    if (node.kind !== 'file') throw new DirectoryAccessError('ISDIR', 'is a directory');
    if (mode.truncate) setSize(node, 0);
    return new MemoryFileHandle(node);
  }

  private missing(message: string): never {
    throw new DirectoryAccessError('NOENT', message);
  }

  readFile(path: GuestPath): Uint8Array {
    const file = this.file(path);
    return file.data.slice(0, file.size);
  }

  writeFile(path: GuestPath, data: Uint8Array): void {
    const handle = this.open(path, { read: false, write: true, create: true, exclusive: false, truncate: true });
    handle.writeAt(data, 0);
    handle.close();
  }

  list(path: GuestPath): DirectoryEntry[] {
    const node = this.find(path);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such directory');
    if (node.kind !== 'directory') throw new DirectoryAccessError('NOTDIR', 'not a directory');
    return [...node.children].map(([name, child]) => ({ name, kind: child.kind, ...(child.kind === 'file' ? inodeOfNode(child) : {}) }));
  }

  makeDirectory(path: GuestPath): void {
    const { dir, name } = this.parent(path);
    if (dir.has(name)) throw new DirectoryAccessError('EXIST', 'already exists');
    dir.set(name, newDirectory());
  }

  removeFile(path: GuestPath): void {
    const { dir, name } = this.parent(path);
    const node = dir.get(name);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    if (node.kind === 'directory') throw new DirectoryAccessError('ISDIR', 'is a directory');
    dir.delete(name);
    dropName(node);
  }

  removeDirectory(path: GuestPath): void {
    const node = this.find(path, false);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such directory');
    if (node.kind !== 'directory') throw new DirectoryAccessError('NOTDIR', 'not a directory');
    if (node.children.size > 0) throw new DirectoryAccessError('NOTEMPTY', 'directory not empty');
    this.parent(path).dir.delete(path[path.length - 1] as string);
  }

  rename(from: GuestPath, to: GuestPath): void {
    const source = this.parent(from);
    const node = source.dir.get(source.name);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    const target = this.parent(to);
    // As rename(2): a directory may replace only an empty directory, a file only a non-directory.
    // A directory moved below itself would be cut off from the root (EINVAL in rename(2)).
    if (node.kind === 'directory' && holds(node, target.dir)) throw new DirectoryAccessError('INVAL', 'cannot move a directory into itself');
    const replaced = target.dir.get(target.name);
    if (replaced && replaced !== node) {
      if (node.kind === 'directory' && replaced.kind !== 'directory') throw new DirectoryAccessError('NOTDIR', 'not a directory');
      if (node.kind !== 'directory' && replaced.kind === 'directory') throw new DirectoryAccessError('ISDIR', 'is a directory');
      if (replaced.kind === 'directory' && replaced.children.size > 0) throw new DirectoryAccessError('NOTEMPTY', 'directory not empty');
    }
    // Two names of one file: rename(2) does nothing.
    if (replaced === node) return;
    source.dir.delete(source.name);
    dropName(replaced);
    target.dir.set(target.name, node);
  }

  /** The node itself under a second name (a symlink without `follow` is copied: only files count names). */
  link(from: GuestPath, to: GuestPath, options: { follow?: boolean } = {}): void {
    const node = this.find(from, options.follow ?? false);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    if (node.kind === 'directory') throw new DirectoryAccessError('PERM', 'cannot link a directory');
    const { dir, name } = this.parent(to);
    if (dir.has(name)) throw new DirectoryAccessError('EXIST', 'already exists');
    if (node.kind === 'file') node.links++;
    dir.set(name, node.kind === 'file' ? node : { ...node });
  }
}
