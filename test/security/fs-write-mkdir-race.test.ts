/**
 * Attack: while `fs_write` creates `a/b/c/file.txt`, a process with write access inside the
 * root swaps `a` for a symlink to an outside directory, in a loop. The tool ran `mkdir -p`
 * and opened with O_CREAT before checking where the file really was, so the race left
 * thousands of empty files and directories outside the root.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/agent/tools/tool.js';
import { createFsTools } from '../../src/node/tools/create-fs-tools.js';
import { listTree, startSymlinkSwapper } from '../helpers/symlink-swapper.js';

const RACE_MS = 2_500;
const context: ToolContext = { signal: new AbortController().signal, sessionId: 's', callId: 'c', principal: 'p' };

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'agentbox-fs-write-race-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'a'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('fs_write racing a directory swapped for a symlink', () => {
  it('creates no file or directory outside the root', async () => {
    const fsWrite = createFsTools({ fsRoots: [{ path: root, write: true }] }).find((t) => t.name === 'fs_write')!;
    const swapper = startSymlinkSwapper({ dir: path.join(root, 'a'), target: outside, ms: RACE_MS + 500, holdMs: 0.2 });
    let written = 0;
    let attempt = 0;
    try {
      for (const end = Date.now() + RACE_MS; Date.now() < end && swapper.running(); ) {
        // Fresh names each time, so every call has to create its parents; a few in flight widen the race.
        const calls = Array.from({ length: 4 }, () => fsWrite.execute({ path: `a/b${attempt++}/c/file.txt`, content: 'x' }, context));
        for (const ok of await Promise.all(
          calls.map((c) =>
            Promise.resolve(c).then(
              () => true,
              () => false,
            ),
          ),
        ))
          if (ok) written++;
      }
    } finally {
      await swapper.stop();
    }
    expect(listTree(outside)).toEqual(['secret.txt']);
    expect(readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
    expect(written).toBeGreaterThan(0);
  });
});
