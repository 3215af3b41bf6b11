import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../../helpers/run-cli.js';

/** Bundles a test entry for the browser, in memory; `vitest` maps to the browser shim. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(repoRoot, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: { vitest: join(repoRoot, 'test/browser/fixtures/vitest-shim.ts') },
  });
  return result.outputFiles[0]?.text ?? '';
}
