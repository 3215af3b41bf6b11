/**
 * Browser bundle sizes, minified and gzipped. Shared by the bundle-size test (which holds
 * the core to its budget) and `npm run bench`.
 *
 * - core: the portable core (`agentbox`, src/index.ts) as a page would bundle it;
 * - web: the page-side library (dist-web/agentbox-web.js: WebRuntime, IndexedDB store, client);
 * - worker: the runtime worker with the sandboxes (WASI layer, QuickJS glue; QuickJS's own
 *   .wasm is a separate file);
 * - app: the web page's script.
 */
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The target for the core without sandboxes. */
export const CORE_BUDGET_BYTES = 150 * 1024;

const entries = {
  core: 'src/index.ts',
  web: 'src/web/page/page-entry.ts',
  worker: 'src/web/worker/worker-entry.ts',
  app: 'src/web/app/main.ts',
};

export async function measureBundles() {
  const sizes = {};
  for (const [name, entry] of Object.entries(entries)) {
    const result = await build({
      entryPoints: [join(root, entry)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      // As a page's bundler would: a dynamic import (the tokenizer's encodings, loaded only
      // to count an OpenAI-family model's tokens) is its own chunk, fetched when first used.
      splitting: true,
      outdir: join(root, 'test-artifacts', 'bundle-measure'),
      write: false,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const entryFile = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)?.[0];
    const bytes = (result.outputFiles.find((f) => entryFile && f.path.endsWith(entryFile.replace(/^.*test-artifacts/, ''))) ?? result.outputFiles[0]).contents;
    const inputs = Object.keys(result.metafile.inputs);
    sizes[name] = { entry, minifiedBytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 9 }).byteLength, inputs };
  }
  return sizes;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await measureBundles();
  for (const [name, s] of Object.entries(sizes))
    console.log(`${name.padEnd(7)} ${s.entry.padEnd(26)} min ${kib(s.minifiedBytes).padStart(10)}  gzip ${kib(s.gzipBytes).padStart(9)}`);
  console.log(
    `core gzip ${kib(sizes.core.gzipBytes)} of a ${kib(CORE_BUDGET_BYTES)} budget (${((sizes.core.gzipBytes / CORE_BUDGET_BYTES) * 100).toFixed(0)}%)`,
  );
}
