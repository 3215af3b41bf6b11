/**
 * Attack: a role grants a sub-root of a file tool's root (`<root>/bobonly`), and that
 * sub-root is — or later becomes — a symlink to a directory outside the tool's root. The
 * grant was checked as text, so `fs_read`/`fs_list` for that principal followed it out.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tool, ToolContext } from '../../src/agent/tools/tool.js';
import { createAuthorizer } from '../../src/auth/authorizer.js';
import { createToolCallAuthorizer } from '../../src/auth/create-tool-call-authorizer.js';
import { createFsTools } from '../../src/node/tools/create-fs-tools.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'agentbox-subroot-')));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'shared'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(root, 'shared', 'notes.txt'), 'shared notes');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Calls a tool as `bob`, with the capabilities his role really grants (authorizer → executor). */
async function asBob(tool: Tool, args: Record<string, unknown>): Promise<unknown> {
  const auth = createAuthorizer({
    roles: { bobonly: { allow: ['tool:invoke:fs_*'], capabilities: { fsRoots: [{ path: path.join(root, 'bobonly'), write: true }] } } },
    principals: { bob: { roles: ['bobonly'] } },
  });
  const decision = createToolCallAuthorizer(auth)({ principal: 'bob', tool });
  expect(decision.allowed).toBe(true);
  const context: ToolContext = {
    signal: new AbortController().signal,
    sessionId: 's',
    callId: 'c',
    principal: 'bob',
    ...(decision.capabilities ? { capabilities: decision.capabilities } : {}),
  };
  return tool.execute(args, context);
}

function fsTools(): Record<string, Tool> {
  return Object.fromEntries(createFsTools({ fsRoots: [{ path: root, write: true }] }).map((t) => [t.name, t]));
}

describe('a role sub-root that is a symlink out of the tool root', () => {
  it('fs_read, fs_list and fs_write refuse it', async () => {
    symlinkSync(outside, path.join(root, 'bobonly'));
    const t = fsTools();
    await expect(asBob(t.fs_read!, { path: path.join(root, 'bobonly', 'secret.txt') })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    await expect(asBob(t.fs_list!, { path: path.join(root, 'bobonly') })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    await expect(asBob(t.fs_write!, { path: path.join(root, 'bobonly', 'planted.txt'), content: 'x' })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
  });

  it('is refused once it becomes a symlink, after working as a directory', async () => {
    mkdirSync(path.join(root, 'bobonly'));
    writeFileSync(path.join(root, 'bobonly', 'mine.txt'), 'bob data');
    const t = fsTools();
    await expect(asBob(t.fs_read!, { path: path.join(root, 'bobonly', 'mine.txt') })).resolves.toMatchObject({ content: 'bob data' });
    rmSync(path.join(root, 'bobonly'), { recursive: true });
    symlinkSync(outside, path.join(root, 'bobonly'));
    await expect(asBob(t.fs_read!, { path: path.join(root, 'bobonly', 'secret.txt') })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
    await expect(asBob(t.fs_list!, { path: path.join(root, 'bobonly') })).rejects.toMatchObject({ code: 'TOOL_PATH_DENIED' });
  });

  it('still works when it is a symlink that stays inside the tool root', async () => {
    symlinkSync(path.join(root, 'shared'), path.join(root, 'bobonly'));
    const t = fsTools();
    await expect(asBob(t.fs_read!, { path: path.join(root, 'bobonly', 'notes.txt') })).resolves.toMatchObject({ content: 'shared notes' });
    const listed = (await asBob(t.fs_list!, { path: path.join(root, 'bobonly') })) as { entries: Array<{ name: string }> };
    expect(listed.entries.map((e) => e.name)).toEqual(['notes.txt']);
  });
});
