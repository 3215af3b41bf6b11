/**
 * The WASI conformance corpus (test/wasi-corpus/): ordinary C (wasi-libc) and Rust (std)
 * programs, one per preview1 file-API behaviour, run under agentbox — over the Node adapter
 * and over the in-memory one the browser uses — and, for comparison, under node:wasi and
 * the bare browser_wasi_shim. agentbox's list of passing programs is asserted exactly, for
 * both adapters, so a regression fails and so does a fix that forgets to move a program
 * out of KNOWN_FAILURES. WASI_CORPUS_DIR points the test at a fresh build (`.ci/run`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CorpusOutcome,
  type CorpusProgram,
  type CorpusRunner,
  runAgentbox,
  runAgentboxMemory,
  runBareShim,
  runNodeWasi,
} from './wasi-corpus/corpus-runners.js';

const corpusDir = join(import.meta.dirname, 'wasi-corpus');
const modulesDir = process.env.WASI_CORPUS_DIR ?? corpusDir;
const { programs } = JSON.parse(readFileSync(join(corpusDir, 'corpus.json'), 'utf8')) as { programs: CorpusProgram[] };

/** Programs agentbox does not pass yet, with either adapter, each with the reason (issue 10). */
const KNOWN_FAILURES: Record<string, string> = {};

/** Programs only the Node adapter fails, each with the reason. */
const KNOWN_NODE_FAILURES: Record<string, string> = {
  // No Node API sets a time to the nanosecond: fs.utimes/futimes/lutimes take seconds as a
  // double (a bigint is ERR_INVALID_ARG_TYPE; a double of today's time resolves ~240 ns),
  // and libuv cuts what it gets to the microsecond on purpose (`uv__fs_to_timespec`:
  // `ts.tv_nsec -= ts.tv_nsec % 1000`). Checked on Node 20.20 / libuv 1.46: futimes at
  // 1000.000000005 s reads back 1000.000000000.
  'c/filestat-times': "Node's fs sets file times to the microsecond: times set to 5 ns and 7 ns read back as .0 (as under node:wasi)",
};

const passed: Record<string, string[]> = { agentbox: [], 'agentbox (memory)': [], 'node:wasi': [], browser_wasi_shim: [] };

async function outcome(runner: CorpusRunner, wasm: Uint8Array<ArrayBuffer>, program: CorpusProgram): Promise<CorpusOutcome> {
  try {
    return await runner(wasm, program);
  } catch (error) {
    return { stdout: `host error: ${String(error)}`, exitCode: -1 };
  }
}

function passes(result: CorpusOutcome, program: CorpusProgram): boolean {
  return result.exitCode === program.exitCode && result.stdout === program.stdout;
}

describe('WASI conformance corpus', () => {
  afterAll(() => {
    const lines = Object.entries(passed).map(([host, list]) => `  ${host.padEnd(18)} ${list.length}/${programs.length}`);
    console.log(`WASI corpus pass counts:\n${lines.join('\n')}`);
  });

  for (const program of programs) {
    const known = KNOWN_FAILURES[program.program];
    const knownOnNode = known ?? KNOWN_NODE_FAILURES[program.program];
    it(`${program.program}${knownOnNode ? ` (known failure: ${knownOnNode})` : ''}`, async () => {
      const wasm = new Uint8Array(readFileSync(join(modulesDir, `${program.program}.wasm`)));
      const agentbox = await outcome(runAgentbox, wasm, program);
      const memory = await outcome(runAgentboxMemory, wasm, program);
      if (passes(agentbox, program)) passed.agentbox?.push(program.program);
      if (passes(memory, program)) passed['agentbox (memory)']?.push(program.program);
      if (passes(await outcome(runNodeWasi, wasm, program), program)) passed['node:wasi']?.push(program.program);
      if (passes(await outcome(runBareShim, wasm, program), program)) passed.browser_wasi_shim?.push(program.program);
      for (const [adapter, result, failure] of [
        ['node', agentbox, knownOnNode],
        ['memory', memory, known],
      ] as const) {
        if (failure) expect(passes(result, program), `${program.program} now passes (${adapter} adapter): remove it from KNOWN_FAILURES`).toBe(false);
        else expect(result, `${adapter} adapter`).toEqual({ stdout: program.stdout, exitCode: program.exitCode });
      }
    });
  }
});
