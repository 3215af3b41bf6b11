/**
 * Attack: a process with write access inside a WASI grant swaps a directory for a symlink
 * to an outside one, in a loop, while the guest reads or writes a file below it. The
 * adapter resolved the path with realpath and then opened it by name, so the open could
 * follow the freshly swapped-in symlink: 349 outside reads in 10 s before the fix.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeWasmHost } from '../../src/node/wasm/node-wasm-host.js';
import { WasmModuleCache } from '../../src/sandbox/wasm/index.js';
import { readFileGuest, writeFileGuest } from '../../src/sandbox/wasm/testing/wasi-test-guests.js';
import { listTree, startSymlinkSwapper } from '../helpers/symlink-swapper.js';

const RACE_MS = 2_500;
const cache = new WasmModuleCache();
const pool = new NodeWasmHost({ size: 2 });
afterAll(() => pool.close());

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'agentbox-wasi-race-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'swapped'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, 'swapped', 'f.txt'), 'inside');
  writeFileSync(path.join(outside, 'f.txt'), 'TOP SECRET');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

async function run(bytes: Uint8Array): Promise<{ exitCode: number; stdout: string }> {
  const loaded = await cache.load(bytes, { memoryMb: 4 });
  const result = await pool.run({ loaded, dirs: [{ path: root, guest: '/data', write: true }], timeoutMs: 5_000, maxOutputBytes: 1 << 16 });
  return { exitCode: result.exitCode, stdout: new TextDecoder().decode(result.stdout) };
}

describe('a directory in a WASI grant swapped for a symlink in a loop', () => {
  it('never lets the guest read the outside file', async () => {
    const guest = readFileGuest('swapped/f.txt');
    await run(guest);
    const swapper = startSymlinkSwapper({ dir: path.join(root, 'swapped'), target: outside, ms: RACE_MS + 500 });
    let inside = 0;
    let escapes = 0;
    try {
      for (const end = Date.now() + RACE_MS; Date.now() < end && swapper.running(); ) {
        // Two guests at a time, one per worker, widen the race.
        for (const { exitCode, stdout } of await Promise.all([run(guest), run(guest)])) {
          if (stdout.includes('SECRET')) escapes++;
          else if (exitCode === 0 && stdout === 'inside') inside++;
        }
      }
    } finally {
      await swapper.stop();
    }
    expect(escapes).toBe(0);
    // The race ran: reads went through while the directory was real.
    expect(inside).toBeGreaterThan(0);
  });

  it('never lets the guest write the outside file or create one there', async () => {
    const guest = writeFileGuest('swapped/f.txt', 'pwned');
    const swapper = startSymlinkSwapper({ dir: path.join(root, 'swapped'), target: outside, ms: RACE_MS + 500 });
    let written = 0;
    try {
      for (const end = Date.now() + RACE_MS; Date.now() < end && swapper.running(); ) {
        for (const { exitCode } of await Promise.all([run(guest), run(guest)])) if (exitCode === 0) written++;
      }
    } finally {
      await swapper.stop();
    }
    expect(readFileSync(path.join(outside, 'f.txt'), 'utf8')).toBe('TOP SECRET');
    expect(listTree(outside)).toEqual(['f.txt']);
    expect(written).toBeGreaterThan(0);
  });
});
