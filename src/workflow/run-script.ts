import { AgentboxError } from '../errors/agentbox-error.js';
import { DEFAULT_SCRIPT_MAX_OUTPUT_BYTES, DEFAULT_SCRIPT_MEMORY_MB, DEFAULT_SCRIPT_TIMEOUT_MS } from '../sandbox/script/script-sandbox.js';
import type { Execution, TaskOutcome } from './execution.js';
import { resourceUri } from './resolve-external-resources.js';
import { evaluateTemplate } from './runtime-expression.js';
import type { TaskRun } from './run-task-kind.js';
import type { RunTask } from './workflow-definition.js';
import { problem, WorkflowFault } from './workflow-problem.js';

export type ScriptReturn = 'stdout' | 'stderr' | 'code' | 'all' | 'none';

interface ScriptRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `run: script` with `language: js`, in the script sandbox (QuickJS by default: its memory
 * and time limits, no host capability at all). As the spec has it, `script.arguments` are
 * evaluated and bound as variables of the code (a map, DSL 1.0.0) or given as `argv` (a
 * list, 1.0.3); the code writes its result with `console.log`;
 * `run.return` picks the output: `stdout` (the default; lines joined by newlines), `stderr`,
 * `code` (0, or 1 when the code threw), `all` (`{ code, stdout, stderr }`) or `none` (null).
 * A throw faults the task (a runtime error with the message) unless `return` is `code` or
 * `all`, which report it; a time or memory limit always faults.
 */
export async function runScript(execution: Execution, run: TaskRun): Promise<TaskOutcome> {
  const spec = (run.task as RunTask).run;
  const script = spec.script as { code?: string; source?: unknown; arguments?: Record<string, unknown> | string[]; environment?: Record<string, unknown> };
  const returns = (spec.return as ScriptReturn | undefined) ?? 'stdout';
  const code = script.code ?? sourceOf(execution, script.source, run.path);
  const evaluated = await evaluateTemplate(script.arguments ?? {}, run.input, run.scope);
  const args = Array.isArray(evaluated)
    ? { argv: evaluated.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))) }
    : ((evaluated ?? {}) as Record<string, unknown>);
  // `environment` is the script's `process.env`: evaluated (so it may carry a `$secrets` value
  // into the sandbox, which has no way out but its output), strings only.
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(((await evaluateTemplate(script.environment ?? {}, run.input, run.scope)) ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) environment[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const sandbox = await execution.options.scripts();
  let result: ScriptRunResult;
  try {
    result = (await sandbox.run({
      source: wrapScript(code, Object.keys(args)),
      args: { ...args, __environment: environment },
      timeoutMs: DEFAULT_SCRIPT_TIMEOUT_MS,
      memoryMb: DEFAULT_SCRIPT_MEMORY_MB,
      maxOutputBytes: DEFAULT_SCRIPT_MAX_OUTPUT_BYTES,
      signal: execution.options.signal,
      filename: run.path,
    })) as unknown as ScriptRunResult;
  } catch (error) {
    if (!AgentboxError.isInstance(error) || error.code === 'CANCELLED') throw error;
    const kind = error.code === 'TOOL_TIMEOUT' ? 'timeout' : 'runtime';
    throw new WorkflowFault(problem(kind, { title: `script failed (${error.code})`, detail: error.message, instance: run.path }), { cause: error });
  }
  if (result.code !== 0 && returns !== 'code' && returns !== 'all') {
    throw new WorkflowFault(problem('runtime', { title: 'script threw', detail: result.stderr, instance: run.path }));
  }
  const outputs: Record<ScriptReturn, unknown> = { stdout: result.stdout, stderr: result.stderr, code: result.code, all: result, none: null };
  return { output: outputs[returns] };
}

/** An external `source`'s code, as fetched when the run started (journaled with it). */
function sourceOf(execution: Execution, source: unknown, path: string): string {
  const uri = resourceUri(source);
  const code = uri !== undefined ? execution.options.scriptSources[uri] : undefined;
  if (code === undefined)
    throw new WorkflowFault(
      problem('configuration', { title: 'script source missing', detail: `${uri ?? 'the source'} was not fetched when the run started`, instance: path }),
    );
  return code;
}

/**
 * The spec's script (a body using its arguments as variables and `console`) as the sandbox's
 * module contract (a default export taking the arguments). The body runs in an async
 * function, so it may `await`; names of arguments are checked as identifiers at validation.
 */
export function wrapScript(code: string, names: string[]): string {
  return [
    'const __out = [], __err = [];',
    "const __show = (v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));",
    "const __line = (to) => (...values) => { to.push(values.map(__show).join(' ')); };",
    'const console = Object.freeze({ log: __line(__out), info: __line(__out), debug: __line(__out), warn: __line(__err), error: __line(__err) });',
    'export default async function (__arguments) {',
    `  const { ${names.join(', ')} } = __arguments;`,
    '  const process = Object.freeze({ env: Object.freeze({ ...__arguments.__environment }) });',
    '  let code = 0;',
    '  try {',
    '    await (async () => {',
    code,
    '    })();',
    '  } catch (error) {',
    '    __err.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));',
    '    code = 1;',
    '  }',
    "  return { code, stdout: __out.join('\\n'), stderr: __err.join('\\n') };",
    '}',
  ].join('\n');
}
