import { type Jq, loadJq } from 'jq-wasm';
import { AgentboxError } from '../errors/agentbox-error.js';
import { JqFailure } from './jq-failure.js';

/** One jq run: the input and arguments already JSON text, as jq takes them. */
export interface JqRequest {
  input: string;
  program: string;
  /** jq's flags (`-c`, `--argjson name text`, …). */
  flags: string[];
  /** How long the run may take; a backend that cannot stop a run says so in `enforcesTimeLimit`. */
  timeoutMs: number;
}

/**
 * Where jq programs run. The in-thread backend (portable, the default) cannot stop a
 * runaway program; `agentbox/node`'s worker backend runs jq off the main thread and stops
 * it at the time limit. Failures are JqFailure (`compile`, `runtime`, `limit`, `trap`).
 */
export interface JqBackend {
  readonly enforcesTimeLimit: boolean;
  /** jq's outputs, in order. */
  run(request: JqRequest): Promise<unknown[]>;
  close(): Promise<void>;
}

/**
 * jq-wasm on the calling thread. Its API is synchronous: a program that does not end
 * blocks the thread, which is why the engine in Node uses the worker backend instead. A
 * WASM trap (out of memory, `unreachable`) leaves the instance unusable, so the handle is
 * dropped and the next run loads a fresh one.
 */
export class InThreadJqBackend implements JqBackend {
  readonly enforcesTimeLimit = false;
  #handle: Promise<Jq> | undefined;
  readonly #load: () => Promise<Jq>;
  /** How many handles were loaded (a trap costs one): for tests and metrics. */
  loads = 0;

  constructor(options: { load?: () => Promise<Jq> } = {}) {
    this.#load = options.load ?? (() => loadJq());
  }

  async run(request: JqRequest): Promise<unknown[]> {
    const jq = await this.#jq();
    try {
      return jq.json(request.input, request.program, request.flags);
    } catch (error) {
      const failure = jqFailureOf(error);
      if (failure.kind === 'trap') this.#handle = undefined;
      throw failure;
    }
  }

  async close(): Promise<void> {
    this.#handle = undefined;
  }

  #jq(): Promise<Jq> {
    if (!this.#handle) {
      this.loads += 1;
      const loading = this.#load();
      this.#handle = loading;
      // A failed load is not cached: the next run tries again.
      loading.catch(() => {
        if (this.#handle === loading) this.#handle = undefined;
      });
    }
    return this.#handle.catch((error: unknown) => {
      throw new AgentboxError('WORKFLOW_FAULTED', `cannot load jq: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  }
}

/** What a jq-wasm error means: jq's own (exit 3 compile, 5 runtime) or a trap of the instance. */
export function jqFailureOf(error: unknown): JqFailure {
  const e = error as { name?: string; stderr?: string; exitCode?: number; message?: string };
  if (e?.name === 'JqError') {
    return new JqFailure(e.exitCode === 3 ? 'compile' : 'runtime', cleanStderr(e.stderr ?? e.message ?? ''));
  }
  return new JqFailure('trap', `jq stopped abnormally (${e?.message ?? String(error)}); a fresh instance will be used`);
}

function cleanStderr(text: string): string {
  // jq repeats the program with a caret under the error: keep only its `jq: error` lines.
  const lines = text.split('\n').filter((line) => line.startsWith('jq: error'));
  const cleaned = lines.map((line) => line.replace(/^jq: error( \(at [^)]*\))?: /, '').replace(/ at <top-level>, line \d+, column \d+:?$/, ''));
  return cleaned.join('; ') || text.trim();
}
