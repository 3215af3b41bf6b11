import { childListsOf, entryOf, taskKindOf } from './task-tree.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';
import type { TaskList, WorkflowDefinition } from './workflow-definition.js';

/** How a `run: workflow` task names the workflow to run (the spec: namespace, name, version). */
export interface WorkflowReference {
  namespace: string;
  name: string;
  version: string;
}

/**
 * Finds a referenced workflow's definition (parsed, not yet validated), or undefined; it may
 * throw to say why it cannot tell (the message becomes the validation issue). The CLI
 * looks in the other YAML documents of the workflow's file and in the workflow files beside
 * it; a library user passes definitions it holds.
 */
export type WorkflowResolver = (reference: WorkflowReference) => unknown | Promise<unknown>;

/** `namespace/name:version`: the key of a sub-workflow in the run's journal. */
export function workflowKey(reference: WorkflowReference): string {
  return `${reference.namespace}/${reference.name}:${reference.version}`;
}

/** Every `run: workflow` of a definition, with its task path. */
export function workflowReferences(definition: WorkflowDefinition): Array<{ reference: WorkflowReference; path: string }> {
  const found: Array<{ reference: WorkflowReference; path: string }> = [];
  const walk = (list: TaskList, listPath: string): void => {
    list.forEach((item, index) => {
      const entry = entryOf(item);
      if (!entry) return;
      const [name, task] = entry;
      const path = `${listPath}/${index}/${name}`;
      const kind = taskKindOf(task);
      const reference = kind === 'run' ? ((task as { run: { workflow?: WorkflowReference } }).run.workflow ?? undefined) : undefined;
      if (reference) found.push({ reference, path: `${path}/run/workflow` });
      for (const child of childListsOf(task, kind, path)) walk(child.list, child.path);
    });
  };
  walk(definition.do, '/do');
  return found;
}

/**
 * Resolves every workflow the definition runs, transitively, once each: the run journals
 * them with its definition when it starts, so a resume runs the sub-workflows it started
 * with even if the files changed since. A workflow may run itself (recursion is bounded at
 * run time). An unresolvable or invalid one is an issue at the referencing task's path.
 */
export async function resolveSubWorkflows(
  root: WorkflowDefinition,
  options: { resolve: WorkflowResolver | undefined; validate: (value: unknown) => Promise<{ workflow?: WorkflowDefinition; issues: WorkflowIssue[] }> },
): Promise<{ workflows: Record<string, WorkflowDefinition>; issues: WorkflowIssue[] }> {
  const workflows: Record<string, WorkflowDefinition> = { [workflowKey(root.document)]: root };
  const issues: WorkflowIssue[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift() as WorkflowDefinition;
    for (const { reference, path } of workflowReferences(current)) {
      const key = workflowKey(reference);
      if (key in workflows) continue;
      let found: unknown;
      try {
        found = await options.resolve?.(reference);
      } catch (error) {
        // A resolver that cannot say (an unreadable file) explains why, at the task's path.
        issues.push(issue('unknown-workflow', path, `cannot resolve workflow ${key}: ${error instanceof Error ? error.message : String(error)}`));
        continue;
      }
      if (found === undefined) {
        issues.push(
          issue('unknown-workflow', path, `no workflow ${key} found (the same file's other documents and the workflow files beside it are searched)`),
        );
        continue;
      }
      const checked = await options.validate(found);
      const errors = checked.issues.filter((i) => i.severity === 'error' || i.code === 'not-implemented');
      if (!checked.workflow || errors.length > 0) {
        issues.push(...errors.map((i) => ({ ...i, path: `${path} → ${key}${i.path}` })));
        continue;
      }
      if (workflowKey(checked.workflow.document) !== key) {
        issues.push(issue('unknown-workflow', path, `the resolver gave ${workflowKey(checked.workflow.document)} for ${key}`));
        continue;
      }
      workflows[key] = checked.workflow;
      queue.push(checked.workflow);
    }
  }
  return { workflows, issues };
}
