import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentboxError } from '../src/errors/index.js';
import type { ToolContext } from '../src/agent/tools/tool.js';
import { WasmModuleCache, createWasmTool, loadWasmTool, parseWasmManifest } from '../src/sandbox/wasm/index.js';
import { dumpStringsGuest, echoGuest, infiniteLoopGuest, unknownImportGuest, writeGuest } from '../src/sandbox/wasm/testing/wasi-test-guests.js';
import { NodeWasmHost } from '../src/node/wasm/node-wasm-host.js';

const root = join(import.meta.dirname, '..');
const examples = join(root, 'examples/wasm-tools');
const pool = new NodeWasmHost({ size: 2 });
afterAll(() => pool.close());

const context: ToolContext = { signal: new AbortController().signal, sessionId: 's1', callId: 'c1', principal: 'tester' };

function example(name: string): { manifest: unknown; bytes: Uint8Array } {
  return {
    manifest: JSON.parse(readFileSync(join(examples, name, 'manifest.json'), 'utf8')) as unknown,
    bytes: readFileSync(join(examples, name, `${name}.wasm`)),
  };
}

const baseManifest = { name: 'probe', description: 'test tool', parameters: { type: 'object' } };

async function failure(promise: Promise<unknown>): Promise<AgentboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!AgentboxError.isInstance(error)) throw new Error(`expected an AgentboxError, got ${String(error)}`);
  return error;
}

describe('example WASM tools through createWasmTool', () => {
  it('json-query answers paths, wildcards and misses', async () => {
    const { manifest, bytes } = example('json-query');
    const tool = await loadWasmTool(manifest as never, bytes, { pool });
    expect(tool.name).toBe('json_query');
    const doc = { items: [{ name: 'a', tags: ['x'] }, { name: 'b "quoted"\n' }], 'odd key': [1, 2.5, -3e2] };
    expect(await tool.execute({ json: doc, path: '$.items[1].name' }, context)).toEqual({ found: true, value: 'b "quoted"\n' });
    expect(await tool.execute({ json: doc, path: '$.items[*].name' }, context)).toEqual({ found: true, values: ['a', 'b "quoted"\n'] });
    expect(await tool.execute({ json: doc, path: '$["odd key"][-1]' }, context)).toEqual({ found: true, value: -300 });
    expect(await tool.execute({ json: JSON.stringify(doc), path: 'items[0]' }, context)).toEqual({ found: true, value: { name: 'a', tags: ['x'] } });
    expect(await tool.execute({ json: doc, path: '$.nope.deeper' }, context)).toEqual({ found: false, value: null });
  });

  it('json-query reports a bad path as a tool error with its stderr', async () => {
    const { manifest, bytes } = example('json-query');
    const tool = createWasmTool(manifest as never, bytes, { pool });
    const error = await failure(Promise.resolve(tool.execute({ json: {}, path: '$.a[' }, context)));
    expect(error.code).toBe('TOOL_FAILED');
    expect(error.message).toBe('wasm tool json_query exited with code 2: json-query: invalid path: unclosed [ at offset 3');
    expect(error.details).toMatchObject({ exitCode: 2 });
  });

  it('text-stats counts words, lines, characters and top words', async () => {
    const { manifest, bytes } = example('text-stats');
    const tool = createWasmTool(manifest as never, bytes, { pool });
    const result = await tool.execute({ text: "The cat and the hat.\nThe END — naïve café, don't 😀\n", top: 2 }, context);
    expect(result).toEqual({
      chars: 51,
      words: 11,
      lines: 2,
      uniqueWords: 9,
      topWords: [
        { word: 'the', count: 3 },
        { word: 'and', count: 1 },
      ],
    });
  });

  it('the committed AssemblyScript example modules match a fresh build', () => {
    const out = mkdtempSync(join(tmpdir(), 'agentbox-asc-'));
    try {
      // asc is an npm package; the C and Rust tools need apt toolchains, so .ci/run compares those.
      execFileSync(process.execPath, [join(examples, 'build.mjs'), out, '--only=assemblyscript'], { cwd: root, stdio: 'pipe' });
      for (const name of ['json-query', 'text-stats']) {
        expect(Buffer.compare(readFileSync(join(out, `${name}.wasm`)), readFileSync(join(examples, name, `${name}.wasm`)))).toBe(0);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('createWasmTool', () => {
  it('validates the manifest and names the bad fields', () => {
    expect(() => parseWasmManifest({ ...baseManifest, name: 'bad name!', capabilities: { memoryMb: -1, fsRoots: [{ guest: '/x' }] } })).toThrowError(
      /name: must be 1–64 letters[\s\S]*capabilities\.memoryMb: [\s\S]*capabilities\.fsRoots\.0\.path: /,
    );
    expect(() => parseWasmManifest({ ...baseManifest, capabilities: { network: true } })).toThrowError(/capabilities: Unrecognized key: "network"/);
  });

  it('refuses the old directory spellings, naming the new keys', () => {
    const old = { ...baseManifest, capabilities: { dirs: [{ host: '/srv/data', guest: '/data' }] } };
    expect(() => parseWasmManifest(old)).toThrowError(
      /capabilities\.dirs: `dirs` was renamed to `fsRoots` \(each `\{ host, guest, write \}` is now `\{ path, guest, write \}`\)/,
    );
    const half = { ...baseManifest, capabilities: { fsRoots: [{ host: '/srv/data', guest: '/data' }] } };
    expect(() => parseWasmManifest(half)).toThrowError(/capabilities\.fsRoots\.0\.host: `host` was renamed to `path`/);
    expect(parseWasmManifest({ ...baseManifest, capabilities: { fsRoots: [{ path: '/srv/data', guest: '/data' }] } }).capabilities.fsRoots).toEqual([
      { path: '/srv/data', guest: '/data', write: false },
    ]);
  });

  it('passes JSON arguments on stdin and parses stdout', async () => {
    const tool = createWasmTool(baseManifest, echoGuest(), { pool });
    expect(await tool.execute({ a: [1, 'two'] }, context)).toEqual({ a: [1, 'two'] });
    // Stated in the RBAC vocabulary, so roles can be intersected with it.
    expect(tool.capabilities).toEqual({ fsRoots: [], memoryMb: 64, timeoutMs: 5000 });
  });

  it('turns a non-zero exit into a tool error carrying truncated stderr', async () => {
    const stderr = 'E'.repeat(5000);
    const tool = createWasmTool(baseManifest, writeGuest({ text: stderr, fd: 2, exitCode: 7 }), { pool });
    const error = await failure(Promise.resolve(tool.execute({}, context)));
    expect(error.code).toBe('TOOL_FAILED');
    expect(error.message).toMatch(/^wasm tool probe exited with code 7: E{2000}… \(3000 more characters\)$/);
  });

  it('rejects output that is not JSON', async () => {
    const tool = createWasmTool(baseManifest, writeGuest({ text: 'not json' }), { pool });
    expect((await failure(Promise.resolve(tool.execute({}, context)))).message).toBe('wasm tool probe did not write a JSON result to stdout');
  });

  it('gives the guest only the env it was granted', async () => {
    process.env.AGENTBOX_HOST_SECRET = 'leak';
    try {
      const tool = createWasmTool({ ...baseManifest, capabilities: { env: { MODE: 'test' } } }, dumpStringsGuest('environ'), {
        pool,
        cache: new WasmModuleCache(),
      });
      const error = await failure(Promise.resolve(tool.execute({}, context)));
      // The env dump is not JSON, so it comes back in the error's stdout excerpt.
      expect(error.details?.stdout).toBe('MODE=test\0');
    } finally {
      delete process.env.AGENTBOX_HOST_SECRET;
    }
  });

  it('surfaces load errors from loadWasmTool and the first call', async () => {
    const error = await failure(loadWasmTool(baseManifest, unknownImportGuest(), { pool }));
    expect(error.code).toBe('WASM_LOAD_FAILED');
    expect(error.message).toContain('"probe"');
    expect(error.message).toContain('"env"."launch_missiles"');
    const lazy = createWasmTool(baseManifest, unknownImportGuest(), { pool });
    expect((await failure(Promise.resolve(lazy.execute({}, context)))).code).toBe('WASM_LOAD_FAILED');
  });

  it('enforces the manifest time limit and keeps the pool usable', async () => {
    const tool = createWasmTool({ ...baseManifest, capabilities: { timeoutMs: 150 } }, infiniteLoopGuest(), { pool });
    expect((await failure(Promise.resolve(tool.execute({}, context)))).code).toBe('TOOL_TIMEOUT');
    expect(await createWasmTool(baseManifest, echoGuest(), { pool }).execute({ ok: true }, context)).toEqual({ ok: true });
  });
});

describe('the portable WASI layer', () => {
  it('bundles for the browser without any Node built-in', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/sandbox/wasm/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((path) => builtins.has(path))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).some((path) => path.includes('browser_wasi_shim'))).toBe(true);
  });
});
