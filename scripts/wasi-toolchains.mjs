// The C (clang + wasi-libc) and Rust (Debian's rustc 1.63 with its wasm32-wasi std)
// compile commands shared by the WASI corpus and the example tools, so both build alike:
//   apt-get install clang lld wasi-libc libclang-rt-dev-wasm32 rustc libstd-rust-dev-wasm32
import { execFileSync } from 'node:child_process';
import { delimiter } from 'node:path';

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
  rs: (source, out, dir) => [
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

/**
 * Compiles `source` (a `.c` or `.rs` file name inside `dir`) to the module `out`.
 * @example compileWasi({ dir: '/repo/test/wasi-corpus/c', source: 'append.c', out: '/tmp/append.wasm' })
 */
export function compileWasi({ dir, source, out }) {
  const extension = source.slice(source.lastIndexOf('.') + 1);
  const compile = compilers[extension];
  if (!compile) throw new Error(`no WASI compiler for ${source}`);
  const [command, args] = compile(source, out, dir);
  execFileSync(command, args, { stdio: 'inherit', cwd: dir, env });
}
