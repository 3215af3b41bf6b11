import { isFunctionUri, resolveCall } from './function-catalog.js';
import type { TaskKind } from './task-kind.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';
import type { Task } from './workflow-definition.js';
import { checkListen, checkListenForeach, checkRunScript, checkRunWorkflow } from './check-run-task.js';
import { checkCallHttp, checkCallMcp, checkCallOpenApi } from './check-call-task.js';
import { isPromptReference } from './workflow-host.js';

const directives = new Set(['continue', 'exit', 'end']);

/** The shape of one task of its kind, and what this version refuses or does not run yet. */
export function checkTask(
  task: Task,
  kind: TaskKind | undefined,
  context: {
    path: string;
    siblings: Set<string>;
    functions: Record<string, unknown> | undefined;
    catalogs?: Record<string, unknown> | undefined;
    authentications?: Record<string, unknown> | undefined;
  },
): WorkflowIssue[] {
  const { path } = context;
  // biome-ignore lint/suspicious/noExplicitAny: an unvalidated DSL task read by shape; each field is checked where it is used
  const t = task as Record<string, any>;
  const issues: WorkflowIssue[] = [];
  const target = (then: unknown, at: string): void => {
    if (then === undefined) return;
    if (typeof then !== 'string') issues.push(issue('structure', at, '`then` must be continue, exit, end or the name of a task in the same list'));
    else if (!directives.has(then) && !context.siblings.has(then)) {
      issues.push(issue('unknown-target', at, `\`then: ${then}\` names no task in this list (tasks here: ${[...context.siblings].join(', ') || 'none'})`));
    }
  };
  target(t.then, `${path}/then`);
  switch (kind) {
    case undefined:
      issues.push(issue('structure', path, 'not a task: it has none of call, do, emit, for, fork, listen, raise, run, set, switch, try, wait'));
      break;
    case 'call': {
      if (typeof t.call !== 'string') {
        issues.push(issue('structure', `${path}/call`, '`call` must name a function'));
        break;
      }
      const resolved = resolveCall(t.call, context.functions);
      if (resolved.kind === 'unknown') {
        issues.push(
          issue(
            'unknown-function',
            `${path}/call`,
            `unknown function '${t.call}': not declared under use.functions, not a runtime function (llm, agent, tool), a spec call (http, openapi, mcp, a2a), a name:version@catalog nor a function's http(s) URI`,
          ),
        );
      } else if (resolved.kind === 'spec' && resolved.support === 'refused') {
        issues.push(issue('unsupported', `${path}/call`, `call: ${t.call} is not supported by agentbox`));
      } else if (resolved.kind === 'spec' && resolved.support === 'not-implemented') {
        issues.push(issue('not-implemented', `${path}/call`, `call: ${t.call} is not supported by this version of agentbox yet`));
      } else if (resolved.kind === 'catalog' && !isFunctionUri(t.call)) {
        const catalog = t.call.slice(t.call.lastIndexOf('@') + 1);
        if (!context.catalogs || !Object.hasOwn(context.catalogs, catalog)) {
          issues.push(issue('unknown-function', `${path}/call`, `cataloged function '${t.call}': no catalog '${catalog}' declared under use.catalogs`));
        }
      }
      if (resolved.kind === 'runtime' && resolved.name === 'tool' && typeof t.with?.name !== 'string') {
        issues.push(issue('structure', `${path}/with/name`, 'call: tool needs `with.name`, the tool to call'));
      }
      // `with.prompt` as an object is a prompt file: `{ file | source, input? }` (a literal one is checked here, its file when it runs).
      const prompt = t.with?.prompt;
      if (resolved.kind === 'runtime' && resolved.name !== 'tool' && prompt !== null && typeof prompt === 'object' && !isPromptReference(prompt)) {
        issues.push(
          issue(
            'structure',
            `${path}/with/prompt`,
            `call: ${resolved.name} \`with.prompt\` names a prompt file as { file, input } (or { source, input }); input must be an object`,
          ),
        );
      }
      if (resolved.kind === 'spec' && resolved.name === 'http') issues.push(...checkCallHttp(t.with, path, context.authentications));
      if (resolved.kind === 'spec' && resolved.name === 'openapi') issues.push(...checkCallOpenApi(t.with, path, context.authentications));
      if (resolved.kind === 'spec' && resolved.name === 'mcp') issues.push(...checkCallMcp(t.with, path));
      break;
    }
    case 'run': {
      if (t.run === null || typeof t.run !== 'object' || Array.isArray(t.run)) {
        issues.push(issue('structure', `${path}/run`, '`run` must be an object naming one of container, shell, script, workflow'));
        break;
      }
      const run = t.run as Record<string, unknown>;
      const runKind = ['container', 'shell', 'script', 'workflow'].find((k) => k in run);
      if (runKind === 'container' || runKind === 'shell')
        issues.push(
          issue('unsupported', `${path}/run/${runKind}`, `run: ${runKind} is not supported by agentbox (no host processes); use run: script with language js`),
        );
      else if (runKind === undefined) issues.push(issue('structure', `${path}/run`, '`run` needs one of container, shell, script, workflow'));
      else if (runKind === 'workflow') issues.push(...checkRunWorkflow(run, path));
      else issues.push(...checkRunScript(run, path));
      break;
    }
    case 'fork':
      if (!Array.isArray(t.fork?.branches) || t.fork.branches.length === 0)
        issues.push(issue('structure', `${path}/fork/branches`, '`fork.branches` must be a non-empty task list'));
      if (t.fork?.compete !== undefined && typeof t.fork.compete !== 'boolean')
        issues.push(issue('structure', `${path}/fork/compete`, '`fork.compete` must be true or false'));
      break;
    case 'listen':
      issues.push(...checkListen(t.listen, path));
      // `foreach` sits beside `listen` (the task's), not inside it.
      if (t.foreach !== undefined) issues.push(...checkListenForeach(t.foreach, path));
      break;
    case 'switch':
      if (!Array.isArray(t.switch)) issues.push(issue('structure', `${path}/switch`, '`switch` must be a list of cases'));
      else
        t.switch.forEach((item: unknown, i: number) => {
          for (const [name, c] of Object.entries((item ?? {}) as Record<string, { then?: unknown }>)) {
            if (c?.then === undefined) issues.push(issue('structure', `${path}/switch/${i}/${name}`, 'a switch case needs `then`'));
            else target(c.then, `${path}/switch/${i}/${name}/then`);
          }
        });
      break;
    case 'for':
      if (typeof t.for?.in !== 'string') issues.push(issue('structure', `${path}/for/in`, '`for.in` must be an expression giving the collection'));
      if (!Array.isArray(t.do)) issues.push(issue('structure', `${path}/do`, 'a for task needs a `do` list'));
      if (t.metadata?.agentbox?.concurrency !== undefined && !(Number.isInteger(t.metadata.agentbox.concurrency) && t.metadata.agentbox.concurrency >= 1)) {
        issues.push(issue('structure', `${path}/metadata/agentbox/concurrency`, 'concurrency must be a whole number of at least 1'));
      }
      break;
    case 'try':
      if (!Array.isArray(t.try)) issues.push(issue('structure', `${path}/try`, '`try` must be a task list'));
      if (!t.catch || typeof t.catch !== 'object') issues.push(issue('structure', `${path}/catch`, 'a try task needs `catch`'));
      break;
    case 'do':
      if (!Array.isArray(t.do)) issues.push(issue('structure', `${path}/do`, '`do` must be a task list'));
      break;
    case 'raise':
      if (t.raise?.error === undefined)
        issues.push(issue('structure', `${path}/raise/error`, 'raise needs `error` (an error object or the name of one under use.errors)'));
      break;
    case 'emit':
      if (!t.emit?.event?.with || typeof t.emit.event.with !== 'object') issues.push(issue('structure', `${path}/emit/event/with`, 'emit needs `event.with`'));
      break;
  }
  return issues;
}
