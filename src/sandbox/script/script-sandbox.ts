/**
 * Script tools: JavaScript written by anyone, run isolated from the host (the plan's
 * deno_core). One interface, two backends: QuickJS compiled to WASM (portable, the
 * default) and a V8 isolate in a supervised child process (Node only, faster).
 *
 * The script contract, the same on both backends:
 *
 * - The source is an ES module whose default export is a function `(args, host)`. It may
 *   be async and may use top-level `await`; it may not `import` anything.
 * - `args` is a deep-frozen plain JSON copy of the call's arguments, parsed inside the
 *   sandbox: never a host object.
 * - `host` is a frozen object holding only the capabilities granted to this call (for
 *   example `host.fetch`), each an async function taking and returning JSON. Nothing else of
 *   the host is reachable: no `require`, `process`, `fetch`, `console`, file system or timers.
 * - The function returns (or resolves to) a JSON-serializable value; `undefined` becomes
 *   `null`. The result is copied out as JSON text and is refused past `maxOutputBytes`.
 *
 * @example
 * ```js
 * export default async function (args, host) {
 *   const page = await host.fetch(args.url);
 *   return { status: page.status, words: page.body.split(/\s+/).length };
 * }
 * ```
 */

/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One call the guest made to a host capability. */
export interface HostCall {
  /** The guest's arguments, already copied out of the sandbox as JSON. */
  args: JsonValue[];
  /** Aborted when the script run ends (result, error, deadline or cancel). */
  signal: AbortSignal;
}

/**
 * A capability granted to a script. It receives JSON and returns JSON; a throw becomes a
 * rejected promise in the guest (an `Error` named `HostError` carrying only the message).
 */
export type HostFunction = (call: HostCall) => Promise<JsonValue>;

/** The capabilities granted to one run, by the name the guest sees on `host`. */
export type HostCapabilities = Readonly<Record<string, HostFunction>>;

export type ScriptBackend = 'quickjs' | 'v8';

export interface ScriptRunOptions {
  /** The tool's ES module source (see the contract above). */
  source: string;
  /** The call's arguments; must be JSON-serializable. */
  args: unknown;
  /** Wall-clock deadline for the whole run, host calls included. */
  timeoutMs: number;
  /** Ceiling on the sandbox's memory (QuickJS: its linear memory; V8: the isolate heap). */
  memoryMb: number;
  /** Largest result, as UTF-8 JSON text. */
  maxOutputBytes: number;
  /** Granted capabilities; absent means none. */
  host?: HostCapabilities;
  /** Cancels the run (the tool executor's deadline or the turn being cancelled). */
  signal?: AbortSignal;
  /** Name shown in the guest's stack traces, e.g. the tool name. */
  filename?: string;
  /** Receives what the run used, where the backend can tell (QuickJS: its linear memory). */
  onResources?: (usage: { cpuMs?: number; peakMemoryBytes?: number }) => void;
  /**
   * The session the run serves. A backend that bounds runs per session (Node's QuickJS
   * worker pool) queues a session's runs past its bound; others ignore it.
   */
  sessionId?: string;
  /**
   * Called once, when the run leaves the backend's queue and its deadline starts. A run
   * may wait for a free instance, worker or process first; that wait is not its time.
   * Every backend calls it: a script tool suspends the executor's deadline until then.
   */
  onStart?: () => void;
}

/**
 * Runs untrusted scripts. A failed run rejects with an `AgentboxError`: `TOOL_TIMEOUT`,
 * `SANDBOX_MEMORY_LIMIT`, `SANDBOX_OUTPUT_LIMIT`, `CANCELLED`, `INVALID_INPUT` (bad
 * options or arguments) or `TOOL_FAILED` (the script threw, could not load, overflowed its
 * stack, or its sandbox crashed). A failure never harms the host or later runs.
 */
export interface ScriptSandbox {
  readonly backend: ScriptBackend;
  run(options: ScriptRunOptions): Promise<JsonValue>;
  /** Frees instances and child processes; runs after close are refused. */
  close(): Promise<void>;
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 5_000;
export const DEFAULT_SCRIPT_MEMORY_MB = 64;
export const DEFAULT_SCRIPT_MAX_OUTPUT_BYTES = 1_048_576;
/** A run may call host capabilities at most this many times. */
export const MAX_HOST_CALLS_PER_RUN = 100;
