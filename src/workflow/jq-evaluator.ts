import type { Jq } from 'jq-wasm';
import { InThreadJqBackend, type JqBackend } from './jq-backend.js';
import { JqFailure } from './jq-failure.js';
import { compileFastPath, type FastPath, NOT_FAST } from './jq-fast-path.js';

export { JqFailure } from './jq-failure.js';

export interface JqEvaluatorOptions {
  /** Longest JSON text (input plus arguments) handed to jq; default 4 MiB. */
  maxInputChars?: number;
  /** Longest a jq run may take, in milliseconds, where the backend can stop it; default 2000. */
  timeoutMs?: number;
  /** Where jq runs; default on this thread (`agentbox/node` has a worker backend that enforces `timeoutMs`). */
  backend?: JqBackend;
  /** For the default backend: makes a jq handle (tests inject a failing one). */
  load?: () => Promise<Jq>;
}

const FAST_PATH_CACHE = 1024;

/**
 * jq for runtime expressions: jq-wasm (jq 1.8.2 compiled to WebAssembly; runs in Node and
 * browsers) behind a backend, with plain paths (`.a.b`, `$input.x[0]`) answered without
 * jq at all (see jq-fast-path.ts). The input cap bounds what jq is handed; the backend's
 * time limit bounds how long it runs. Runtime arguments (`$context`, `$input`, …) are passed
 * as `--argjson`, the way jq itself takes named values.
 */
export class JqEvaluator {
  readonly #maxInputChars: number;
  readonly #timeoutMs: number;
  readonly #backend: JqBackend;
  readonly #fast = new Map<string, FastPath | null>();

  constructor(options: JqEvaluatorOptions = {}) {
    this.#maxInputChars = options.maxInputChars ?? 4 * 1024 * 1024;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#backend = options.backend ?? new InThreadJqBackend(options.load ? { load: options.load } : {});
  }

  /** Whether a runaway program is stopped at `timeoutMs` (the worker backend) or not (on this thread). */
  get enforcesTimeLimit(): boolean {
    return this.#backend.enforcesTimeLimit;
  }

  /** How many jq handles the default backend loaded (a trap costs one): for tests and metrics. */
  get loads(): number {
    return this.#backend instanceof InThreadJqBackend ? this.#backend.loads : 0;
  }

  /**
   * Runs `program` on `input`. No output is `null`; one output is that value; several are an
   * array (a runtime expression stands for one value).
   */
  async evaluate(program: string, input: unknown, args: Record<string, unknown> = {}): Promise<unknown> {
    const fast = this.#fastPath(program);
    if (fast) {
      const value = fast(input, args);
      if (value !== NOT_FAST) return value;
    }
    const inputText = JSON.stringify(input ?? null);
    const flags: string[] = ['-c'];
    let size = inputText.length;
    for (const [name, value] of Object.entries(args)) {
      const text = JSON.stringify(value ?? null);
      size += text.length;
      flags.push('--argjson', name, text);
    }
    if (size > this.#maxInputChars) {
      throw new JqFailure('limit', `the expression's input is ${size} characters of JSON, over the limit of ${this.#maxInputChars}`);
    }
    const outputs = await this.#backend.run({ input: inputText, program, flags, timeoutMs: this.#timeoutMs });
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

  /** Stops the backend (the worker backend's thread); the evaluator is not used after. */
  close(): Promise<void> {
    return this.#backend.close();
  }

  #fastPath(program: string): FastPath | undefined {
    let fast = this.#fast.get(program);
    if (fast === undefined) {
      fast = compileFastPath(program) ?? null;
      if (this.#fast.size >= FAST_PATH_CACHE) this.#fast.clear();
      this.#fast.set(program, fast);
    }
    return fast ?? undefined;
  }
}
