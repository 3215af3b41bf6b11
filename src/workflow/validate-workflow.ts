import { checkDeclaredAuthentications } from './check-authentication.js';
import type { JqEvaluator } from './jq-evaluator.js';
import { checkCommonFields } from './check-common-fields.js';
import { checkSchema } from './check-schema.js';
import { checkTask } from './check-task.js';
import { taskExpressions, type FoundExpression } from './task-expressions.js';
import { childListsOf, entryOf, forVariables, taskKindOf } from './task-tree.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';
import type { ForTask, TaskList, WorkflowDefinition } from './workflow-definition.js';

/** Variables every expression may use (the spec's runtime arguments). */
export const runtimeArguments = ['context', 'input', 'output', 'task', 'workflow', 'runtime', 'secrets', 'authorization'] as const;

export type WorkflowValidation = { ok: true; workflow: WorkflowDefinition; issues: WorkflowIssue[] } | { ok: false; issues: WorkflowIssue[] };

/**
 * Checks a parsed definition (YAML or JSON already turned into a value): the document's
 * shape, every task's kind and fields, `then:` targets, `call:` functions, and that every jq
 * expression compiles with the variables in its scope; then the spec's official JSON Schema
 * (`check-schema.ts`). Errors name their JSON pointer; a `not-implemented` issue is a
 * warning (`ok` stays true).
 */
export async function validateWorkflow(value: unknown, options: { jq: JqEvaluator }): Promise<WorkflowValidation> {
  const issues: WorkflowIssue[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [issue('structure', '', 'a workflow must be an object with `document` and `do`')] };
  }
  // biome-ignore lint/suspicious/noExplicitAny: an unvalidated DSL document read by shape; each field is checked where it is used
  const w = value as Record<string, any>;
  const doc = w.document;
  if (!doc || typeof doc !== 'object') issues.push(issue('structure', '/document', 'missing `document` (dsl, namespace, name, version)'));
  else {
    for (const key of ['dsl', 'namespace', 'name', 'version']) {
      if (typeof doc[key] !== 'string' || doc[key] === '')
        issues.push(issue('structure', `/document/${key}`, `\`document.${key}\` must be a non-empty string`));
    }
    if (typeof doc.dsl === 'string' && !/^1\.0\.\d+/.test(doc.dsl))
      issues.push(issue('unsupported', '/document/dsl', `dsl ${doc.dsl} is not supported (agentbox reads 1.0.x)`));
  }
  const functions = w.use?.functions as Record<string, unknown> | undefined;
  const timeouts = w.use?.timeouts as Record<string, unknown> | undefined;
  const catalogs = w.use?.catalogs as Record<string, unknown> | undefined;
  const authentications = w.use?.authentications as Record<string, unknown> | undefined;
  issues.push(...checkDeclaredAuthentications(authentications));
  // Valid, and ignored by the engine: say so rather than let a user believe they run.
  if (w.schedule !== undefined)
    issues.push(
      issue(
        'not-implemented',
        '/schedule',
        '`schedule` is not run by agentbox: start runs with `agentbox workflow run`, the service, or a scheduler of your own',
      ),
    );
  if (w.use?.extensions !== undefined) issues.push(issue('not-implemented', '/use/extensions', '`use.extensions` are not applied by this version of agentbox'));
  issues.push(...checkCommonFields(w, '', timeouts));
  for (const [name, declared] of Object.entries(timeouts ?? {})) {
    issues.push(...checkCommonFields({ timeout: declared }, `/use/timeouts/${name}`, undefined).map((i) => ({ ...i, path: `/use/timeouts/${name}` })));
  }
  const expressions: FoundExpression[] = taskExpressions(w as never, undefined, '', []).filter((e) => /^\/(input|output)/.test(e.path));
  if (!Array.isArray(w.do)) issues.push(issue('structure', '/do', '`do` must be a list of tasks'));
  else walk(w.do, '/do', [], { issues, expressions, functions, timeouts, catalogs, authentications });
  for (const expression of expressions) {
    const message = await options.jq.check(expression.program, [...runtimeArguments, ...expression.variables]);
    if (message) issues.push(issue('expression', expression.path, `bad jq expression: ${message}`));
  }
  if (issues.every((i) => i.path !== '/document' && i.path !== '/document/dsl')) {
    // agentbox's own finding at a path explains it better than the schema's at or below it
    const own = issues.filter((i) => i.severity === 'error').map((i) => taskPathOf(i.path));
    const covered = (path: string) => {
      const task = taskPathOf(path);
      return own.some((p) => task === p || task.startsWith(`${p}/`) || p.startsWith(`${task}/`));
    };
    issues.push(...(await checkSchema(w)).filter((i) => !covered(i.path)));
  }
  const ok = issues.every((i) => i.severity !== 'error');
  return ok ? { ok, workflow: value as WorkflowDefinition, issues } : { ok, issues };
}

interface WalkState {
  issues: WorkflowIssue[];
  expressions: FoundExpression[];
  functions: Record<string, unknown> | undefined;
  timeouts: Record<string, unknown> | undefined;
  catalogs: Record<string, unknown> | undefined;
  authentications: Record<string, unknown> | undefined;
}

function walk(list: TaskList, listPath: string, variables: string[], state: WalkState): void {
  const names = new Set<string>();
  const entries = list.map((item, index) => {
    const entry = entryOf(item);
    if (!entry) state.issues.push(issue('structure', `${listPath}/${index}`, 'a task list item must be an object with exactly one task name'));
    else if (names.has(entry[0])) state.issues.push(issue('structure', `${listPath}/${index}/${entry[0]}`, `duplicate task name '${entry[0]}' in this list`));
    else names.add(entry[0]);
    return entry;
  });
  entries.forEach((entry, index) => {
    if (!entry) return;
    const [name, task] = entry;
    const path = `${listPath}/${index}/${name}`;
    const kind = taskKindOf(task);
    state.issues.push(
      ...checkTask(task, kind, { path, siblings: names, functions: state.functions, catalogs: state.catalogs, authentications: state.authentications }),
    );
    state.issues.push(...checkCommonFields(task as unknown as Record<string, unknown>, path, state.timeouts));
    const own = kind === 'for' ? forVariables(task as ForTask) : [];
    for (const e of taskExpressions(task, kind, path, own)) state.expressions.push({ ...e, variables: [...variables, ...e.variables] });
    for (const child of childListsOf(task, kind, path)) walk(child.list, child.path, [...variables, ...child.variables], state);
  });
}

/** The deepest task a pointer is in: `/do/2/rpc/with/x` → `/do/2/rpc`. */
function taskPathOf(path: string): string {
  return /^(.*\/\d+\/[^/]+)/.exec(path)?.[1] ?? path;
}
