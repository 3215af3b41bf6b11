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

  it('would catch a Node built-in if one slipped in', async () => {
    // The same check on agentbox/node must find node: imports, proving the check can fail.
    await expect(browserImports('src/node/index.ts')).rejects.toThrow(/node:|Could not resolve/);
  });
});
