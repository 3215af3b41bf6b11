// Builds the WASI conformance corpus (C via wasi-libc, Rust std) with Debian's toolchains
// (scripts/wasi-toolchains.mjs says which packages).
// Usage: node test/wasi-corpus/build.mjs [outDir]   (default: each .wasm beside its source)
// The built modules are committed, so `npm test` needs no toolchain; CI rebuilds them into
// a temp dir and runs the corpus on that build too (`.ci/run`).
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWasi } from '../../scripts/wasi-toolchains.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);

for (const language of ['c', 'rust']) {
  const dir = join(here, language);
  const target = outDir ? join(outDir, language) : dir;
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(dir).sort()) {
    const match = /^(.+)\.(c|rs)$/.exec(name);
    if (!match) continue;
    compileWasi({ dir, source: name, out: join(target, `${match[1]}.wasm`) });
    console.log(`built ${language}/${match[1]}.wasm`);
  }
}
