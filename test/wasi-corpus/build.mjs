// Builds the WASI conformance corpus (C via wasi-libc, Rust std) with Debian's toolchains:
//   apt-get install clang lld wasi-libc libclang-rt-dev-wasm32 rustc libstd-rust-dev-wasm32
// Usage: node test/wasi-corpus/build.mjs [outDir]   (default: each .wasm beside its source)
// The built modules are committed, so `npm test` needs no toolchain; CI rebuilds them into
// a temp dir and runs the corpus on that build too (`.ci/run`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
// Debian's /usr/bin/rustc (1.63) carries the wasm32-wasi std; a rustup rustc on PATH may not.
const rustc = process.env.RUSTC_WASI ?? '/usr/bin/rustc';
const clang = process.env.CLANG_WASI ?? 'clang';

// Sources are passed relative to their folder (the compiler runs there), and any path left
// is remapped, so a module does not depend on where the checkout lives: CI rebuilds in a
// fresh clone elsewhere and compares byte for byte (Rust embeds source paths in panics).
const compilers = {
  c: (source, out, dir) => [
    clang,
    ['--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-s', '-Wall', '-Werror', `-ffile-prefix-map=${dir}=.`, source, '-o', out],
  ],
  rust: (source, out, dir) => [
    rustc,
    ['--target', 'wasm32-wasi', '-O', '-C', 'strip=symbols', '--edition', '2021', `--remap-path-prefix=${dir}=.`, source, '-o', out],
  ],
};

// clang -O2 runs `wasm-opt` after linking when one is on PATH, and `npm run` puts binaryen's
// (an assemblyscript dependency, in node_modules/.bin) there: `npm run build:wasm` then
// emitted smaller modules than CI's plain `node build.mjs`. The compilers get a PATH
// without node_modules/.bin, so every way of building gives the same bytes.
const env = {
  ...process.env,
  PATH: (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !/node_modules[\\/]\.bin$/.test(entry))
    .join(delimiter),
};

for (const [language, compile] of Object.entries(compilers)) {
  const dir = join(here, language);
  const target = outDir ? join(outDir, language) : dir;
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(dir).sort()) {
    const match = /^(.+)\.(c|rs)$/.exec(name);
    if (!match) continue;
    const [command, args] = compile(name, join(target, `${match[1]}.wasm`), dir);
    execFileSync(command, args, { stdio: 'inherit', cwd: dir, env });
    console.log(`built ${language}/${match[1]}.wasm`);
  }
}
