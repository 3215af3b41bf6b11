// Builds the example WASM tools (`npm run build:wasm`): json-query and text-stats from
// AssemblyScript, grep-files from Rust (std only) and checksum from C (wasi-libc), the last
// two with the toolchains of the WASI corpus (scripts/wasi-toolchains.mjs).
// AssemblyScript gets WASI from ../lib/wasi.ts (declared imports, no extra package); its
// top-level code is exported as `_start` so the host has the memory before any WASI call.
// Usage: node examples/wasm-tools/build.mjs [outDir] [--only=assemblyscript|c|rust]
//   (default: every tool, each .wasm beside its source). `npm test` rebuilds only the
//   AssemblyScript ones (asc is an npm package); .ci/run rebuilds all and compares bytes.
import asc from 'assemblyscript/asc';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWasi } from '../../scripts/wasi-toolchains.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const outDir = positional[0] === undefined ? undefined : resolve(positional[0]);
const tools = [
  { name: 'json-query', language: 'assemblyscript', source: 'json-query.ts' },
  { name: 'text-stats', language: 'assemblyscript', source: 'text-stats.ts' },
  { name: 'grep-files', language: 'rust', source: 'grep-files.rs' },
  { name: 'checksum', language: 'c', source: 'checksum.c' },
];

async function buildAssemblyScript(tool, outFile) {
  const source = relative(root, join(here, tool.name, tool.source));
  const abort = `${relative(root, join(here, 'lib', 'wasi'))
    .split('\\')
    .join('/')}/abort`;
  const { error, stderr } = await asc.main(
    [source, '--outFile', outFile, '--optimize', '--noAssert', '--exportStart', '_start', '--use', `abort=${abort}`, '--runtime', 'incremental'],
    { stdout: process.stdout, stderr: process.stderr, baseDir: root },
  );
  if (error) {
    console.error(`build of ${tool.name} failed: ${error.message}\n${stderr.toString()}`);
    process.exit(1);
  }
}

for (const tool of tools) {
  if (only !== undefined && tool.language !== only) continue;
  const outFile = outDir ? join(outDir, `${tool.name}.wasm`) : join(here, tool.name, `${tool.name}.wasm`);
  if (tool.language === 'assemblyscript') await buildAssemblyScript(tool, outFile);
  else compileWasi({ dir: join(here, tool.name), source: tool.source, out: outFile });
  console.log(`built ${relative(process.cwd(), outFile)}`);
}
