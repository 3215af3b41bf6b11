/**
 * The browser bundle budget: the portable core, minified and gzipped, without the
 * sandboxes, stays under 150 KiB. The figures are printed and kept in
 * test-artifacts/bundle-size.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs shared with `npm run bench`; its shape is checked below.
import { CORE_BUDGET_BYTES, measureBundles } from '../bench/web-bundle-size.mjs';
import { repoRoot } from './helpers/run-cli.js';

interface BundleSize {
  entry: string;
  minifiedBytes: number;
  gzipBytes: number;
  inputs: string[];
}

describe('browser bundle size', () => {
  it('keeps the portable core under its gzip budget, without the sandboxes', async () => {
    const sizes = (await measureBundles()) as Record<'core' | 'web' | 'worker' | 'app', BundleSize>;
    const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      Object.entries(sizes)
        .map(([name, s]) => `${name}: gzip ${kib(s.gzipBytes)} (min ${kib(s.minifiedBytes)})`)
        .join('; '),
    );
    await mkdir(join(repoRoot, 'test-artifacts'), { recursive: true });
    await writeFile(
      join(repoRoot, 'test-artifacts', 'bundle-size.json'),
      JSON.stringify(
        Object.fromEntries(Object.entries(sizes).map(([k, s]) => [k, { entry: s.entry, minifiedBytes: s.minifiedBytes, gzipBytes: s.gzipBytes }])),
        null,
        2,
      ),
    );

    expect(CORE_BUDGET_BYTES).toBe(150 * 1024);
    expect(sizes.core.gzipBytes).toBeGreaterThan(10 * 1024);
    expect(sizes.core.gzipBytes).toBeLessThan(CORE_BUDGET_BYTES);
    // "Without the sandboxes": the measured core must not pull them in.
    expect(sizes.core.inputs.filter((path) => /src\/sandbox\/|quickjs|browser_wasi_shim/.test(path))).toEqual([]);
    // The worker does carry them: proof the filter above looks at the right thing.
    expect(sizes.worker.inputs.some((path) => path.includes('src/sandbox/wasm/'))).toBe(true);
    // The page-side library stays small: the runtime itself lives in the worker.
    expect(sizes.web.gzipBytes).toBeLessThan(20 * 1024);
  });
});
