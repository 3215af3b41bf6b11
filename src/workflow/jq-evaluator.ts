import { loadJq, type Jq } from 'jq-wasm';
import { AgentboxError } from '../errors/agentbox-error.js';

export interface JqEvaluatorOptions {
  /** Longest JSON text (input plus arguments) handed to jq; default 4 MiB. */
  maxInputChars?: number;
  /** Makes a jq handle; default `loadJq()` from jq-wasm (tests inject a failing one). */
  load?: () => Promise<Jq>;
}

/** A jq failure: `compile` for a bad program, `runtime` for a failing one, `limit`/`trap` otherwise. */
export class JqFailure extends Error {
  constructor(
    readonly kind: 'compile' | 'runtime' | 'limit' | 'trap',
    message: string,
  ) {
    super(message);
    this.name = 'JqFailure';
  }
}

/**
 * jq through jq-wasm (jq 1.8.2 compiled to WebAssembly; runs in Node and browsers).
 *
 * Its API is synchronous, so a program cannot be stopped from this thread: what bounds a
 * run is the input cap here (a huge input is refused before jq sees it). A WASM trap (out of
 * memory, `unreachable`) leaves the instance unusable, so the handle is dropped and the next
 * call loads a fresh one. Runtime arguments (`$context`, `$input`, …) are passed as
 * `--argjson`, the way jq itself takes named values.
 */
export class JqEvaluator {
  #handle: Promise<Jq> | undefined;
  readonly #maxInputChars: number;
  readonly #load: () => Promise<Jq>;
  /** How many handles were loaded (a trap costs one): for tests and metrics. */
  loads = 0;

  constructor(options: JqEvaluatorOptions = {}) {
    this.#maxInputChars = options.maxInputChars ?? 4 * 1024 * 1024;
    this.#load = options.load ?? (() => loadJq());
  }

  /**
   * Runs `program` on `input`. No output is `null`; one output is that value; several are an
   * array (a runtime expression stands for one value).
   */
  async evaluate(program: string, input: unknown, args: Record<string, unknown> = {}): Promise<unknown> {
    const jq = await this.#jq();
    const inputText = JSON.stringify(input ?? null);
    const flags: string[] = [];
    let size = inputText.length;
    for (const [name, value] of Object.entries(args)) {
      const text = JSON.stringify(value ?? null);
      size += text.length;
      flags.push('--argjson', name, text);
    }
    if (size > this.#maxInputChars) {
      throw new JqFailure('limit', `the expression's input is ${size} characters of JSON, over the limit of ${this.#maxInputChars}`);
    }
    let outputs: unknown[];
    try {
      outputs = jq.json(inputText, program, ['-c', ...flags]);
    } catch (error) {
      throw this.#failure(error);
    }
    if (outputs.length === 0) return null;
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  /**
   * Compiles `program` without running it (it sits in a branch never taken), with `names`
   * declared as variables: a syntax error or an undefined `$name` is reported.
   */
  async check(program: string, names: readonly string[]): Promise<string | undefined> {
    const args = Object.fromEntries(names.map((n) => [n, null]));
    try {
      await this.evaluate(`if false then (${program}\n) else empty end`, null, args);
      return undefined;
    } catch (error) {
      if (!(error instanceof JqFailure)) throw error;
      if (error.kind !== 'compile') return error.message;
    }
    // The wrapper makes jq point at its own `)`: compile the program alone for the user's
    // message. Safe to run: it failed to compile inside the wrapper, and jq does not run a
    // program that does not compile.
    try {
      await this.evaluate(program, null, args);
      return 'does not compile';
    } catch (error) {
      if (error instanceof JqFailure) return error.message;
      throw error;
    }
  }

  #jq(): Promise<Jq> {
    if (!this.#handle) {
      this.loads += 1;
      const loading = this.#load();
      this.#handle = loading;
      // A failed load is not cached: the next call tries again.
      loading.catch(() => {
        if (this.#handle === loading) this.#handle = undefined;
      });
    }
    return this.#handle.catch((error: unknown) => {
      throw new AgentboxError('WORKFLOW_FAULTED', `cannot load jq: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  }

  #failure(error: unknown): JqFailure {
    const e = error as { name?: string; stderr?: string; exitCode?: number; message?: string };
    if (e?.name === 'JqError') {
      const text = cleanStderr(e.stderr ?? e.message ?? '');
      // jq exits 3 on a compile error, 5 on a runtime error.
      return new JqFailure(e.exitCode === 3 ? 'compile' : 'runtime', text);
    }
    // Anything else came out of the WASM instance itself: it cannot be trusted again.
    this.#handle = undefined;
    return new JqFailure('trap', `jq stopped abnormally (${e?.message ?? String(error)}); a fresh instance will be used`);
  }
}

function cleanStderr(text: string): string {
  // jq repeats the program with a caret under the error: keep only its `jq: error` lines.
  const lines = text.split('\n').filter((line) => line.startsWith('jq: error'));
  const cleaned = lines.map((line) => line.replace(/^jq: error( \(at [^)]*\))?: /, '').replace(/ at <top-level>, line \d+, column \d+:?$/, ''));
  return cleaned.join('; ') || text.trim();
}
