// Builds the benchmark's C program (`npm run build:wasm`), with the corpus's toolchain.
// Usage: node bench/wasi-files/build.mjs [outDir]   (default: beside its source)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWasi } from '../../scripts/wasi-toolchains.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] === undefined ? here : resolve(process.argv[2]);
compileWasi({ dir: here, source: 'wasi-files.c', out: join(outDir, 'wasi-files.wasm') });
console.log('built bench/wasi-files/wasi-files.wasm');
