/**
 * Builds the isolate child program for tests and benchmarks that run from TypeScript
 * sources, where `isolate-child.js` does not exist yet: esbuild bundles
 * `isolate-child.ts` into one ESM file in the temp directory, named by its content hash
 * so concurrent test files share it. The child loads isolated-vm from a path the parent
 * passes, so the bundle's location does not matter.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let built: Promise<string> | undefined;

export function buildIsolateChildEntry(): Promise<string> {
  built ??= bundle();
  return built;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./isolate-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['isolated-vm'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error('esbuild produced no output for isolate-child.ts');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `agentbox-isolate-child-${hash}.mjs`);
  if (!existsSync(path)) {
    // Write then rename: another test file may be reading the same path.
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, path);
  }
  return path;
}
