import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/run-cli.js';

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Bundles an entry for the browser and returns every import esbuild had to resolve. */
async function browserImports(entry: string): Promise<{ imports: string[]; bytes: number }> {
  const result = await build({
    entryPoints: [join(repoRoot, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    minify: true,
    logLevel: 'silent',
  });
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  return { imports, bytes: result.outputFiles[0]?.contents.byteLength ?? 0 };
}

describe('the portable core', () => {
  it('bundles for the browser without any Node built-in', async () => {
    const { imports, bytes } = await browserImports('src/index.ts');
    const leaks = imports.filter((path) => nodeBuiltins.has(path));
    expect(leaks).toEqual([]);
    expect(bytes).toBeGreaterThan(1000);
  });

  it.each(['src/prompt/index.ts', 'src/sandbox/index.ts', 'src/server/index.ts', 'src/testing/index.ts', 'src/web/index.ts', 'src/workflow/index.ts'])(
    '%s bundles for the browser too',
    async (entry) => {
      const { imports } = await browserImports(entry);
      expect(imports.filter((path) => nodeBuiltins.has(path))).toEqual([]);
    },
  );

  it('no module outside src/node and src/cli imports a Node built-in, statically or dynamically', () => {
    const offenders = portableSources().filter(({ text }) => nodeImportIn(text));
    expect(offenders.map((f) => f.path)).toEqual([]);
    // The scan itself can fail: it finds the Node adapters' imports.
    expect(nodeImportIn(readFileSync(join(repoRoot, 'src/node/store/sqlite-session-store.ts'), 'utf8'))).toBe(true);
  });

  it('would catch a Node built-in if one slipped in', async () => {
    // The same check on agentbox/node must find node: imports, proving the check can fail.
    await expect(browserImports('src/node/index.ts')).rejects.toThrow(/node:|Could not resolve/);
  });
});

/** Non-test TypeScript sources of the portable layers. */
function portableSources(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (path !== 'src/node' && path !== 'src/cli') walk(path);
      } else if (/\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$|\.test-support\.ts$/.test(entry.name)) {
        out.push({ path, text: readFileSync(join(repoRoot, path), 'utf8') });
      }
    }
  };
  walk('src');
  return out;
}

function nodeImportIn(text: string): boolean {
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
  return specifiers.some((s) => nodeBuiltins.has(s));
}
