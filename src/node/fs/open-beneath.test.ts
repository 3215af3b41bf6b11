import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  constants,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { descriptorPathsWork, setDescriptorPathsForTesting } from './descriptor-paths.js';
import { identityOf } from './file-identity.js';
import { openDirectoryBeneath, openFileBeneath, withParentBeneath } from './open-beneath.js';
import { verifyOpenedAt } from './open-directory.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'agentbox-beneath-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, 'a', 'b', 'f.txt'), 'inside');
  writeFileSync(path.join(outside, 'f.txt'), 'SECRET');
  symlinkSync(outside, path.join(root, 'out'));
  symlinkSync(path.join(outside, 'f.txt'), path.join(root, 'a', 'link.txt'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));
afterAll(() => setDescriptorPathsForTesting(undefined));

function readAll(fd: number): string {
  try {
    const buffer = Buffer.alloc(64);
    return buffer.subarray(0, readSync(fd, buffer, 0, 64, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

it('uses descriptor paths on Linux', () => {
  setDescriptorPathsForTesting(undefined);
  const dir = openDirectoryBeneath({ root, components: [] });
  try {
    expect(descriptorPathsWork(dir.fd)).toBe(process.platform === 'linux');
  } finally {
    dir.close();
  }
});

describe.each([
  ['descriptor paths', undefined],
  ['open-then-verify fallback', false],
] as const)('openFileBeneath with %s', (_label, mode) => {
  beforeEach(() => setDescriptorPathsForTesting(mode));

  it('opens a file below the root', () => {
    expect(readAll(openFileBeneath({ root, components: ['a', 'b', 'f.txt'] }, { flags: constants.O_RDONLY }))).toBe('inside');
  });

  it('refuses a symlinked directory or file on the way', () => {
    expect(() => openFileBeneath({ root, components: ['out', 'f.txt'] }, { flags: constants.O_RDONLY })).toThrow(
      expect.objectContaining({ code: 'TOOL_PATH_DENIED' }),
    );
    expect(() => openFileBeneath({ root, components: ['a', 'link.txt'] }, { flags: constants.O_RDONLY })).toThrow(
      expect.objectContaining({ code: 'TOOL_PATH_DENIED' }),
    );
  });

  it('creates missing parents one at a time, never through a symlink', () => {
    closeSync(openFileBeneath({ root, components: ['new', 'deep', 'g.txt'] }, { flags: constants.O_WRONLY | constants.O_CREAT, createParents: true }));
    expect(existsSync(path.join(root, 'new', 'deep', 'g.txt'))).toBe(true);
    expect(() => openFileBeneath({ root, components: ['out', 'x', 'g.txt'] }, { flags: constants.O_WRONLY | constants.O_CREAT, createParents: true })).toThrow(
      expect.objectContaining({ code: 'TOOL_PATH_DENIED' }),
    );
    expect(existsSync(path.join(outside, 'x'))).toBe(false);
  });

  it('acts on names inside the opened parent', () => {
    withParentBeneath({ root, components: ['a', 'made'] }, (parent, name) => mkdirSync(parent.entry(name)));
    expect(statSync(path.join(root, 'a', 'made')).isDirectory()).toBe(true);
  });
});

describe('openFileBeneath', () => {
  it.runIf(process.platform === 'linux')('keeps to the opened directory when its path is swapped for a symlink afterwards', () => {
    setDescriptorPathsForTesting(undefined);
    const dir = openDirectoryBeneath({ root, components: ['a', 'b'] });
    try {
      renameSync(path.join(root, 'a'), path.join(root, 'a-moved'));
      symlinkSync(outside, path.join(root, 'a'));
      // By name, root/a/b/f.txt is now outside (and missing); through the descriptor it is the file opened.
      expect(readFileSync(dir.entry('f.txt'), 'utf8')).toBe('inside');
    } finally {
      dir.close();
    }
  });

  it('open-then-verify refuses a descriptor that is not the file at the expected path', () => {
    const fd = openSync(path.join(outside, 'f.txt'), 'r');
    try {
      expect(() => verifyOpenedAt(fd, path.join(root, 'a', 'b', 'f.txt'))).toThrow(expect.objectContaining({ code: 'TOOL_PATH_DENIED' }));
      expect(() => verifyOpenedAt(fd, path.join(root, 'a', 'link.txt'))).toThrow(expect.objectContaining({ code: 'TOOL_PATH_DENIED' }));
      expect(() => verifyOpenedAt(fd, path.join(outside, 'f.txt'))).not.toThrow();
    } finally {
      closeSync(fd);
    }
  });

  it('refuses a root that is no longer the directory granted', () => {
    const pinned = identityOf(statSync(root, { bigint: true }));
    renameSync(root, `${root}-old`);
    mkdirSync(root);
    expect(() => openFileBeneath({ root, rootIdentity: pinned, components: ['x'] }, { flags: constants.O_RDONLY })).toThrow(/replaced/);
  });

  it('refuses components that are not plain names', () => {
    for (const bad of ['..', '.', '', 'a/b', 'a\0b']) {
      expect(() => openFileBeneath({ root, components: [bad] }, { flags: constants.O_RDONLY })).toThrow(expect.objectContaining({ code: 'TOOL_PATH_DENIED' }));
    }
  });

  it('opens the root itself as a directory for reading, and refuses to write it', () => {
    const fd = openFileBeneath({ root, components: [] }, { flags: constants.O_RDONLY });
    try {
      expect(fstatSync(fd).isDirectory()).toBe(true);
    } finally {
      closeSync(fd);
    }
    expect(() => openFileBeneath({ root, components: [] }, { flags: constants.O_WRONLY })).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
