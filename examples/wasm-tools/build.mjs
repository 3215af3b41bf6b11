// Builds the example WASM tools from their AssemblyScript sources (`npm run build:wasm`).
// WASI comes from ../lib/wasi.ts (declared imports, no extra package); the top-level code
// is exported as `_start` so the host has the memory before any WASI call runs.
// Usage: node examples/wasm-tools/build.mjs [outDir]   (default: next to each source)
import asc from 'assemblyscript/asc';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = process.argv[2];
const tools = ['json-query', 'text-stats'];

for (const tool of tools) {
  const source = relative(root, join(here, tool, `${tool}.ts`));
  const outFile = outDir ? join(outDir, `${tool}.wasm`) : join(here, tool, `${tool}.wasm`);
  const abort = `${relative(root, join(here, 'lib', 'wasi'))
    .split('\\')
    .join('/')}/abort`;
  const { error, stderr } = await asc.main(
    [source, '--outFile', outFile, '--optimize', '--noAssert', '--exportStart', '_start', '--use', `abort=${abort}`, '--runtime', 'incremental'],
    { stdout: process.stdout, stderr: process.stderr, baseDir: root },
  );
  if (error) {
    console.error(`build of ${tool} failed: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
  console.log(`built ${relative(process.cwd(), outFile)}`);
}
