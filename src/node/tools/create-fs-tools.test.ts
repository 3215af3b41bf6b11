import { execFileSync, spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Tool, ToolContext } from '../../agent/tools/tool.js';
import type { Capabilities } from '../../auth/capabilities.js';
import { createFsTools } from './create-fs-tools.js';
import { assertOpenedInside, resolveInRoots } from './resolve-in-roots.js';

const base = mkdtempSync(path.join(tmpdir(), 'agentbox-fs-'));
const root = path.join(base, 'root');
const readOnly = path.join(base, 'root-ro');
const outside = path.join(base, 'outside');
const secret = path.join(outside, 'secret.txt');
const context: ToolContext = { signal: new AbortController().signal, sessionId: 's', callId: 'c', principal: 'p' };

function setup(): void {
  rmSync(base, { recursive: true, force: true });
  for (const dir of [root, path.join(root, 'sub'), readOnly, outside, path.join(base, 'root-secret'), path.join(base, 'ROOT')])
    mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(root, 'hello.txt'), 'hello world');
  writeFileSync(path.join(root, 'sub', 'deep.txt'), 'deep');
  writeFileSync(path.join(readOnly, 'notes.txt'), 'read only');
  writeFileSync(secret, 'TOP SECRET');
  writeFileSync(path.join(base, 'root-secret', 'x.txt'), 'LOOKALIKE');
  writeFileSync(path.join(base, 'ROOT', 'x.txt'), 'CASE');
  symlinkSync(secret, path.join(root, 'link-out'));
  symlinkSync(outside, path.join(root, 'dir-out'));
  symlinkSync('hello.txt', path.join(root, 'link-in'));
  symlinkSync(path.join(outside, 'planted.txt'), path.join(root, 'dangling'));
}

/** Everything under `outside`, with contents: must never change. */
function outsideSnapshot(): Record<string, string> {
  return Object.fromEntries(readdirSync(outside).map((name) => [name, readFileSync(path.join(outside, name), 'utf8')]));
}

function tools(options: { maxBytes?: number; maxEntries?: number } = {}): Record<string, Tool> {
  const list = createFsTools({ fsRoots: [{ path: root, write: true }, { path: readOnly }], ...options });
  return Object.fromEntries(list.map((t) => [t.name, t]));
}

const run = (tool: Tool | undefined, args: Record<string, unknown>, ctx: ToolContext = context) => Promise.resolve(tool!.execute(args, ctx));

beforeEach(setup);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('fs tools inside the roots', () => {
  it('reads relative and absolute paths, through an inside symlink too', async () => {
    const { fs_read } = tools();
    await expect(run(fs_read, { path: 'hello.txt' })).resolves.toMatchObject({ content: 'hello world', size: 11, truncated: false });
    await expect(run(fs_read, { path: path.join(readOnly, 'notes.txt') })).resolves.toMatchObject({ content: 'read only' });
    await expect(run(fs_read, { path: 'link-in' })).resolves.toMatchObject({ content: 'hello world' });
    await expect(run(fs_read, { path: 'sub/../hello.txt' })).resolves.toMatchObject({ content: 'hello world' });
  });

  it('writes, creating parents and replacing longer content completely', async () => {
    const { fs_write } = tools();
    await expect(run(fs_write, { path: 'new/dir/a.txt', content: 'née' })).resolves.toMatchObject({ bytesWritten: 4 });
    expect(readFileSync(path.join(root, 'new/dir/a.txt'), 'utf8')).toBe('née');
    await run(fs_write, { path: 'hello.txt', content: 'hi' });
    expect(readFileSync(path.join(root, 'hello.txt'), 'utf8')).toBe('hi');
  });

  it('lists entries with type and size, reporting symlinks without following them', async () => {
    const { fs_list } = tools();
    const result = (await run(fs_list, { path: '.' })) as { entries: { name: string; type: string; size: number }[] };
    expect(result.entries).toEqual([
      { name: 'dangling', type: 'symlink', size: 0 },
      { name: 'dir-out', type: 'symlink', size: 0 },
      { name: 'hello.txt', type: 'file', size: 11 },
      { name: 'link-in', type: 'symlink', size: 0 },
      { name: 'link-out', type: 'symlink', size: 0 },
      { name: 'sub', type: 'directory', size: 0 },
    ]);
    const capped = (await run(tools({ maxEntries: 2 }).fs_list, { path: '.' })) as { entries: unknown[]; truncated: boolean };
    expect(capped.entries).toHaveLength(2);
    expect(capped.truncated).toBe(true);
  });

  it('caps a huge file at maxBytes and says so', async () => {
    writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(100_000));
    const result = await run(tools({ maxBytes: 1024 }).fs_read, { path: 'big.txt' });
    expect(result).toMatchObject({ size: 100_000, truncated: true });
    expect((result as { content: string }).content).toBe('x'.repeat(1024));
  });
});

describe('fs tools and hard links', () => {
  it('refuse to read or write a file hard-linked from outside the root, and change nothing outside', async () => {
    linkSync(secret, path.join(root, 'hard-link'));
    const before = outsideSnapshot();
    const t = tools();
    await expect(run(t.fs_read, { path: 'hard-link' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED', message: expect.stringContaining('hard links') });
    await expect(run(t.fs_write, { path: 'hard-link', content: 'owned' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    expect(outsideSnapshot()).toEqual(before);
    expect(readFileSync(secret, 'utf8')).toBe('TOP SECRET');
  });
});

describe('fs tools refuse to escape', () => {
  const escapes: [string, string][] = [
    ['a ../ path', '../outside/secret.txt'],
    ['a deep ../ path', 'sub/../../outside/secret.txt'],
    ['an absolute path outside', secret],
    ['/etc/passwd', '/etc/passwd'],
    ['a symlink to a file outside', 'link-out'],
    ['a file under a symlinked dir', 'dir-out/secret.txt'],
    ['a sibling whose name starts with the root', '../root-secret/x.txt'],
    ['a case variant of the root', path.join(base, 'ROOT', 'x.txt')],
  ];

  it.each(escapes)('fs_read: %s', async (_label, target) => {
    const result = run(tools().fs_read, { path: target });
    await expect(result).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED', message: expect.stringMatching(/outside the granted roots/) });
  });

  it.each(escapes)('fs_write: %s', async (_label, target) => {
    const before = outsideSnapshot();
    await expect(run(tools().fs_write, { path: target, content: 'PWNED' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    expect(outsideSnapshot()).toEqual(before);
    expect(readFileSync(path.join(base, 'root-secret', 'x.txt'), 'utf8')).toBe('LOOKALIKE');
    expect(readFileSync(path.join(base, 'ROOT', 'x.txt'), 'utf8')).toBe('CASE');
  });

  it('fs_write: a new file under a symlinked dir or through a dangling symlink is not created', async () => {
    const { fs_write } = tools();
    await expect(run(fs_write, { path: 'dir-out/new.txt', content: 'x' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    await expect(run(fs_write, { path: 'dangling', content: 'x' })).rejects.toMatchObject({
      code: 'TOOL_PATH_DENIED',
      message: expect.stringMatching(/dangling symlink/),
    });
    await expect(run(fs_write, { path: 'dir-out/a/b/c.txt', content: 'x' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('fs_list: the parent, a symlinked dir and / are refused', async () => {
    for (const target of ['..', 'dir-out', '/']) {
      await expect(run(tools().fs_list, { path: target })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    }
  });

  it('refuses NUL bytes and non-string paths before touching the disk', async () => {
    const { fs_read, fs_write } = tools();
    await expect(run(fs_read, { path: 'hello.txt\0../../outside/secret.txt' })).rejects.toMatchObject({
      code: 'TOOL_PATH_DENIED',
      message: expect.stringMatching(/NUL byte/),
    });
    await expect(run(fs_write, { path: 'evil\0.txt', content: 'x' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    await expect(run(fs_read, { path: 42 })).rejects.toMatchObject({ code: 'TOOL_ARGS_INVALID' });
    await expect(run(fs_read, { path: '' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    expect(readdirSync(root).sort()).toEqual(['dangling', 'dir-out', 'hello.txt', 'link-in', 'link-out', 'sub']);
  });

  it('refuses writes to a read-only root and leaves its files alone', async () => {
    const { fs_write } = tools();
    await expect(run(fs_write, { path: path.join(readOnly, 'notes.txt'), content: 'changed' })).rejects.toMatchObject({
      code: 'TOOL_PATH_DENIED',
      message: expect.stringMatching(/read-only root/),
    });
    await expect(run(fs_write, { path: path.join(readOnly, 'new.txt'), content: 'x' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    expect(readdirSync(readOnly)).toEqual(['notes.txt']);
    expect(readFileSync(path.join(readOnly, 'notes.txt'), 'utf8')).toBe('read only');
  });

  it('refuses oversize content without changing the existing file', async () => {
    await expect(run(tools({ maxBytes: 8 }).fs_write, { path: 'hello.txt', content: '123456789' })).rejects.toMatchObject({ code: 'TOOL_ARGS_INVALID' });
    expect(readFileSync(path.join(root, 'hello.txt'), 'utf8')).toBe('hello world');
  });

  it('does not hang on a FIFO planted in the root', async () => {
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    await expect(run(tools().fs_read, { path: 'pipe' })).rejects.toMatchObject({ code: 'TOOL_FAILED', message: expect.stringMatching(/not a regular file/) });
  });

  it('reports a missing file and a directory as tool failures', async () => {
    await expect(run(tools().fs_read, { path: 'nope.txt' })).rejects.toMatchObject({ code: 'TOOL_FAILED', message: expect.stringMatching(/no such file/) });
    await expect(run(tools().fs_read, { path: 'sub' })).rejects.toMatchObject({ message: expect.stringMatching(/use fs_list/) });
  });

  it('re-checks an opened descriptor against the roots', async () => {
    const resolved = await resolveInRoots([{ path: root }], 'hello.txt', 'read');
    const handle = await open(secret, 'r');
    try {
      await expect(assertOpenedInside(handle.fd, resolved, 'read')).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    } finally {
      await handle.close();
    }
  });
});

describe('fs tools under effective capabilities', () => {
  it('reach only what the call was granted', async () => {
    const { fs_read, fs_write } = tools();
    const narrowed = { ...context, capabilities: { fsRoots: [{ path: path.join(root, 'sub') }] } };
    await expect(run(fs_read, { path: path.join(root, 'sub', 'deep.txt') }, narrowed)).resolves.toMatchObject({ content: 'deep' });
    await expect(run(fs_read, { path: path.join(root, 'hello.txt') }, narrowed)).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    await expect(run(fs_write, { path: path.join(root, 'sub', 'w.txt'), content: 'x' }, narrowed)).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    expect(existsSync(path.join(root, 'sub', 'w.txt'))).toBe(false);
  });

  it('reach nothing when the grant has no roots or is malformed', async () => {
    // Typed as `Capabilities`, but a plain-JavaScript `authorize` can still hand over anything.
    for (const capabilities of [
      {},
      { fsRoots: 'all' },
      { fsRoots: [{ path: 7 }] },
      { fsRoots: [null] },
      { fsRoots: [{ path: 'relative' }] },
    ] as unknown as Capabilities[]) {
      await expect(run(tools().fs_read, { path: 'hello.txt' }, { ...context, capabilities })).rejects.toMatchObject({
        code: 'TOOL_PATH_DENIED',
        message: expect.stringMatching(/no file roots/),
      });
    }
  });
});

describe('fs_list against a directory swapped for a symlink', () => {
  it('never lists the outside directory, however the swap is timed', async () => {
    const swapped = path.join(root, 'swapped');
    const parked = path.join(root, 'parked');
    mkdirSync(swapped);
    writeFileSync(path.join(swapped, 'inside-only.txt'), 'x');
    // A second process swaps root/swapped between a real directory and a symlink to `outside`.
    const swapper = spawn(process.execPath, [
      '-e',
      `const fs = require('fs');
       const [dir, parked, outside] = process.argv.slice(1);
       for (const end = Date.now() + 4000; Date.now() < end; ) {
         try { fs.renameSync(dir, parked); fs.symlinkSync(outside, dir); fs.unlinkSync(dir); fs.renameSync(parked, dir); } catch {}
       }`,
      swapped,
      parked,
      outside,
    ]);
    try {
      const { fs_list } = tools();
      let listed = 0;
      for (let i = 0; i < 300 && swapper.exitCode === null; i++) {
        const result = await run(fs_list, { path: 'swapped' }).catch(() => undefined);
        if (!result) continue;
        listed++;
        expect((result as { entries: Array<{ name: string }> }).entries.map((e) => e.name)).not.toContain('secret.txt');
      }
      expect(listed).toBeGreaterThan(0);
    } finally {
      swapper.kill();
    }
  });
});
