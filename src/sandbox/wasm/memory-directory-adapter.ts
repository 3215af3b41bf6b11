/**
 * A directory held in memory: the portable way to hand a guest files (the browser, tests,
 * a snapshot of inputs). Keys are `/`-separated paths relative to the root.
 */
import { DirectoryAccessError, type DirectoryAdapter, type DirectoryEntryStat, type GuestPath } from './directory-adapter.js';

type Node = { kind: 'file'; data: Uint8Array; modifiedMs: number } | { kind: 'directory'; children: Map<string, Node>; modifiedMs: number };

function newDirectory(): Node {
  return { kind: 'directory', children: new Map(), modifiedMs: 0 };
}

export class MemoryDirectoryAdapter implements DirectoryAdapter {
  private readonly root = newDirectory();

  /** `files` maps relative paths (`a/b.txt`) to contents; parent directories are implied. */
  constructor(files: Record<string, Uint8Array | string> = {}) {
    for (const [path, content] of Object.entries(files)) {
      const parts = path.split('/').filter((p) => p !== '' && p !== '.');
      for (let i = 1; i < parts.length; i++) if (!this.find(parts.slice(0, i))) this.makeDirectory(parts.slice(0, i));
      this.writeFile(parts, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    }
  }

  private find(path: GuestPath): Node | undefined {
    let node: Node | undefined = this.root;
    for (const name of path) node = node?.kind === 'directory' ? node.children.get(name) : undefined;
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

  private file(path: GuestPath): Uint8Array {
    const node = this.find(path);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such file');
    if (node.kind !== 'file') throw new DirectoryAccessError('ISDIR', 'is a directory');
    return node.data;
  }

  stat(path: GuestPath): DirectoryEntryStat | null {
    const node = this.find(path);
    if (!node) return null;
    return { kind: node.kind, size: node.kind === 'file' ? node.data.byteLength : 0, modifiedMs: node.modifiedMs };
  }

  readFile(path: GuestPath): Uint8Array {
    return this.file(path).slice();
  }

  writeFile(path: GuestPath, data: Uint8Array): void {
    const { dir, name } = this.parent(path);
    if (dir.get(name)?.kind === 'directory') throw new DirectoryAccessError('ISDIR', 'is a directory');
    dir.set(name, { kind: 'file', data: data.slice(), modifiedMs: 0 });
  }

  list(path: GuestPath): Array<{ name: string; kind: 'file' | 'directory' }> {
    const node = this.find(path);
    if (!node) throw new DirectoryAccessError('NOENT', 'no such directory');
    if (node.kind !== 'directory') throw new DirectoryAccessError('NOTDIR', 'not a directory');
    return [...node.children].map(([name, child]) => ({ name, kind: child.kind }));
  }

  makeDirectory(path: GuestPath): void {
    const { dir, name } = this.parent(path);
    if (dir.has(name)) throw new DirectoryAccessError('EXIST', 'already exists');
    dir.set(name, newDirectory());
  }

  removeFile(path: GuestPath): void {
    this.file(path);
    this.parent(path).dir.delete(path[path.length - 1] as string);
  }

  removeDirectory(path: GuestPath): void {
    const node = this.find(path);
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
    source.dir.delete(source.name);
    target.dir.set(target.name, node);
  }
}
