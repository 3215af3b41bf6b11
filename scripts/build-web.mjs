/**
 * Bundles the browser side into dist-web/ (served by `agentbox serve` under /assets/):
 *
 * - agentbox-web.js        the page-side library (WebRuntime, IndexedDB store, service client)
 * - agentbox-worker.js     the runtime worker (core + WASI layer + QuickJS glue), a module worker
 * - chunks/                what the worker imports lazily (gpt-tokenizer's encodings, ≈ 1.7 MB
 *                          gzip): fetched from beside it only when an OpenAI-family model's
 *                          tokens are first counted
 * - agentbox-wasm-worker.js one WASM job per worker, terminated at its deadline
 * - agentbox-jq-worker.js  jq for workflows in the browser, terminated past its time limit
 * - build/jq.wasm          jq-wasm's binary, fetched by the jq worker from beside itself
 * - app.js                 the web page's script
 * - emscripten-module.wasm QuickJS, for script tools in the worker
 * - tools/                 the example WASM tools and their index, for browser mode
 *
 * Usage: node scripts/build-web.mjs [--quiet]
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-web');
const quiet = process.argv.includes('--quiet');

const entries = {
  'agentbox-web': 'src/web/page/page-entry.ts',
  'agentbox-wasm-worker': 'src/web/wasm/wasm-job-worker.ts',
  'agentbox-jq-worker': 'src/web/workflow/jq-web-worker.ts',
  app: 'src/web/app/main.ts',
};

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'tools'), { recursive: true });
const common = {
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
};
const pages = await build({ ...common, entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)])) });
// The worker on its own, with code splitting: its dynamic imports (the tokenizer's encodings)
// become chunks under chunks/, which the module worker fetches relative to its own URL. Built
// apart from the page scripts so they share no chunk and each stays one file.
const worker = await build({
  ...common,
  entryPoints: { 'agentbox-worker': join(root, 'src/web/worker/worker-entry.ts') },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
const result = { metafile: { outputs: { ...pages.metafile.outputs, ...worker.metafile.outputs } } };

// QuickJS's binary, fetched by the worker from beside itself.
const require = createRequire(import.meta.url);
const quickjsWasm = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
await copyFile(quickjsWasm, join(out, 'emscripten-module.wasm'));
await mkdir(join(out, 'build'), { recursive: true });
await copyFile(require.resolve('jq-wasm/jq.wasm'), join(out, 'build', 'jq.wasm'));

// The example WASM tools, so browser mode has something to run in its sandbox.
const examples = join(root, 'examples', 'wasm-tools');
const index = [];
for (const name of await readdir(examples).catch(() => [])) {
  const manifestPath = join(examples, name, 'manifest.json');
  const wasmPath = join(examples, name, `${name}.wasm`);
  const manifest = await readFile(manifestPath, 'utf8').then(JSON.parse, () => undefined);
  if (!manifest) continue;
  try {
    await copyFile(wasmPath, join(out, 'tools', `${name}.wasm`));
  } catch {
    continue;
  }
  index.push({ manifest, url: `${name}.wasm` });
}
await writeFile(join(out, 'tools', 'index.json'), JSON.stringify(index, null, 2));

if (!quiet) {
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file.replace(`${root}/`, '')}  ${(info.bytes / 1024).toFixed(1)} KiB`);
  }
  console.log(`dist-web/tools: ${index.map((t) => t.manifest.name).join(', ') || 'none'}`);
}
