/**
 * The C and Rust example tools (examples/wasm-tools/checksum, grep-files) through the real
 * WASM tool path: the manifest as a config loads it (its relative grant anchored to the
 * manifest's folder), and createWasmTool over the Node worker pool with the grant moved to
 * a temp dir. They read only what the grant reaches, and stream files larger than their
 * memory limit.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tool, ToolContext } from '../src/agent/tools/tool.js';
import { toolsConfigSchema } from '../src/config/tools-config-schema.js';
import { AgentboxError } from '../src/errors/index.js';
import { NodeWasmHost } from '../src/node/wasm/node-wasm-host.js';
import { loadConfiguredTools } from '../src/node/tools/load-configured-tools.js';
import { createWasmTool } from '../src/sandbox/wasm/index.js';

const examples = join(import.meta.dirname, '..', 'examples/wasm-tools');
const pool = new NodeWasmHost({ size: 2 });
const base = mkdtempSync(join(tmpdir(), 'agentbox-wasm-files-'));
const grant = join(base, 'granted');
const outside = join(base, 'outside');
mkdirSync(join(grant, 'src'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(grant, 'src', 'main.c'), 'int main(void) {\n  return 0; // TODO: work\n}\n');
writeFileSync(join(grant, 'notes.txt'), 'first\r\nsecond todo\r\n');
writeFileSync(join(outside, 'secret.txt'), 'TODO secret outside the grant\n');
// A link the host left in the grant, pointing out of it.
symlinkSync(join(outside, 'secret.txt'), join(grant, 'escape.txt'));
afterAll(async () => {
  await pool.close();
  rmSync(base, { recursive: true, force: true });
});

const context: ToolContext = { signal: new AbortController().signal, sessionId: 's1', callId: 'c1', principal: 'tester' };

/** The example's own manifest and module, with its grant moved to `path`. */
function exampleTool(name: string, path = grant, memoryMb?: number) {
  const manifest = JSON.parse(readFileSync(join(examples, name, 'manifest.json'), 'utf8')) as { capabilities: Record<string, unknown> };
  manifest.capabilities.fsRoots = [{ path, guest: '/files' }];
  if (memoryMb !== undefined) manifest.capabilities.memoryMb = memoryMb;
  return createWasmTool(manifest as never, readFileSync(join(examples, name, `${name}.wasm`)), { pool });
}

async function failure(promise: unknown): Promise<AgentboxError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

describe('grep-files (Rust, std::fs)', () => {
  it('loads from its manifest as configured and searches the sample folder it grants', async () => {
    const { tools, close } = await loadConfiguredTools(toolsConfigSchema.parse({ wasm: [{ manifest: join(examples, 'grep-files/manifest.json') }] }));
    try {
      const result = await (tools[0] as Tool | undefined)?.execute({ pattern: 'todo', ignoreCase: true }, context);
      expect(result).toEqual({
        matches: [
          { file: '/files/README.txt', line: 3, text: 'TODO: nothing here is secret.' },
          { file: '/files/notes/todo.md', line: 3, text: '- [ ] TODO write the release notes' },
          { file: '/files/notes/todo.md', line: 5, text: '- [ ] todo: lower-case one, found with ignoreCase' },
        ],
        truncated: false,
      });
    } finally {
      await close();
    }
  });

  it('walks subdirectories in name order, strips CR, respects case and maxMatches, skips links', async () => {
    const tool = exampleTool('grep-files');
    expect(await tool.execute({ pattern: 'TODO' }, context)).toEqual({
      matches: [{ file: '/files/src/main.c', line: 2, text: '  return 0; // TODO: work' }],
      truncated: false,
    });
    expect(await tool.execute({ pattern: 'o', dir: '/files', maxMatches: 2 }, context)).toEqual({
      matches: [
        { file: '/files/notes.txt', line: 2, text: 'second todo' },
        { file: '/files/src/main.c', line: 1, text: 'int main(void) {' },
      ],
      truncated: true,
    });
  });

  it('finds a match that straddles its read pieces and cuts long lines, in a file larger than its memory', async () => {
    const big = join(base, 'big-grep');
    mkdirSync(big);
    const fd = openSync(join(big, 'log.txt'), 'w');
    const filler = `${'x'.repeat(1023)}\n`;
    // 32 MiB of filler lines, then one long line whose match starts 65,534 bytes in: past
    // the tool's 64 KiB read buffer boundary and past the 400 bytes it keeps of a line.
    for (let i = 0; i < 32 * 1024; i++) writeSync(fd, filler);
    writeSync(fd, `${'y'.repeat(65_534)}NEEDLE\nlast\n`);
    closeSync(fd);
    const result = (await exampleTool('grep-files', big, 16).execute({ pattern: 'NEEDLE' }, context)) as { matches: { line: number; text: string }[] };
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]?.line).toBe(32 * 1024 + 1);
    expect(result.matches[0]?.text).toBe('y'.repeat(400));
  });

  it('is refused a directory outside its grant', async () => {
    const tool = exampleTool('grep-files');
    const up = await failure(tool.execute({ pattern: 'TODO', dir: '/files/..' }, context));
    expect(up.code).toBe('TOOL_FAILED');
    expect(up.message).toBe('wasm tool grep_files exited with code 2: grep-files: /files/..: Capabilities insufficient (os error 76)');
    const other = await failure(tool.execute({ pattern: 'TODO', dir: outside }, context));
    expect(other.message).toContain('failed to find a pre-opened file descriptor');
    expect(other.message).not.toContain('secret');
  });
});

describe('checksum (C, wasi-libc)', () => {
  const sums = (data: Buffer) => ({ sha256: createHash('sha256').update(data).digest('hex'), crc32: crc32(data) });

  it('loads from its manifest as configured and sums the sample files', async () => {
    const { tools, close } = await loadConfiguredTools(toolsConfigSchema.parse({ wasm: [{ manifest: join(examples, 'checksum/manifest.json') }] }));
    try {
      const readme = readFileSync(join(examples, 'sample-files/README.txt'));
      expect(await (tools[0] as Tool | undefined)?.execute({ files: ['/files/README.txt'] }, context)).toEqual({
        files: [{ file: '/files/README.txt', bytes: readme.length, ...sums(readme) }],
      });
    } finally {
      await close();
    }
  });

  it('sums an empty file and files given with JSON escapes', async () => {
    writeFileSync(join(grant, 'empty'), '');
    writeFileSync(join(grant, 'café "q".txt'), 'abc');
    const result = await exampleTool('checksum').execute({ files: ['/files/empty', '/files/caf\u00e9 "q".txt'] }, context);
    expect(result).toEqual({
      files: [
        { file: '/files/empty', bytes: 0, crc32: '00000000', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
        { file: '/files/café "q".txt', bytes: 3, crc32: '352441c2', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
      ],
    });
  });

  it('streams a file four times its memory limit', async () => {
    const big = join(base, 'big-sum');
    mkdirSync(big);
    // 32 MiB under an 8 MiB memory limit, bytes varied so a dropped or repeated piece shows.
    const data = Buffer.alloc(32 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(join(big, 'disk.img'), data);
    const reports: { peakMemoryBytes?: number }[] = [];
    const result = await exampleTool('checksum', big, 8).execute({ files: ['/files/disk.img'] }, { ...context, reportResources: (r) => reports.push(r) });
    expect(result).toEqual({ files: [{ file: '/files/disk.img', bytes: data.length, ...sums(data) }] });
    expect(reports[0]?.peakMemoryBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it('is refused files outside its grant, through .. and through a link the host left', async () => {
    const tool = exampleTool('checksum');
    const up = await failure(tool.execute({ files: ['/files/../outside/secret.txt'] }, context));
    expect(up.code).toBe('TOOL_FAILED');
    expect(up.message).toBe('wasm tool checksum exited with code 2: checksum: /files/../outside/secret.txt: Capabilities insufficient');
    const link = await failure(tool.execute({ files: ['/files/escape.txt'] }, context));
    expect(link.message).toBe('wasm tool checksum exited with code 2: checksum: /files/escape.txt: Capabilities insufficient');
    // No preopen holds an absolute host path: wasi-libc answers ENOTCAPABLE before any call.
    expect((await failure(tool.execute({ files: [join(outside, 'secret.txt')] }, context))).message).toContain('secret.txt: Capabilities insufficient');
  });

  it('reports malformed arguments', async () => {
    const error = await failure(exampleTool('checksum').execute({ files: 'not-a-list' }, context));
    expect(error.message).toBe('wasm tool checksum exited with code 2: checksum: bad arguments: "files" must be an array of strings');
  });
});

/** CRC-32 (IEEE), the reference the tool is checked against. */
function crc32(data: Buffer): string {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return ((~crc >>> 0) >>> 0).toString(16).padStart(8, '0');
}
