import { taskKindOf, type TaskKind } from './task-kind.js';
import type { CatchDefinition, ForTask, SubscriptionIterator, Task, TaskList } from './workflow-definition.js';

/** A task list nested in a task, with its path and the variables it adds to expressions. */
export interface ChildList {
  list: TaskList;
  path: string;
  variables: string[];
}

/**
 * The task lists nested in a task and their JSON pointers, as the spec numbers them:
 * `…/name/do/0/child`, `…/name/try/0/child`, `…/name/catch/do/0/child`.
 */
export function childListsOf(task: Task, kind: TaskKind | undefined, path: string): ChildList[] {
  const t = task as unknown as Record<string, unknown>;
  if (kind === 'do' && Array.isArray(t.do)) return [{ list: t.do as TaskList, path: `${path}/do`, variables: [] }];
  if (kind === 'for' && Array.isArray(t.do)) return [{ list: t.do as TaskList, path: `${path}/do`, variables: forVariables(task as ForTask) }];
  if (kind === 'fork') {
    const branches = (t.fork as { branches?: unknown } | undefined)?.branches;
    return Array.isArray(branches) ? [{ list: branches as TaskList, path: `${path}/fork/branches`, variables: [] }] : [];
  }
  if (kind === 'try') {
    const lists: ChildList[] = [];
    if (Array.isArray(t.try)) lists.push({ list: t.try as TaskList, path: `${path}/try`, variables: [] });
    const caught = t.catch as CatchDefinition | undefined;
    if (caught && Array.isArray(caught.do)) lists.push({ list: caught.do, path: `${path}/catch/do`, variables: [caught.as ?? 'error'] });
    return lists;
  }
  if (kind === 'listen') {
    const foreach = t.foreach as SubscriptionIterator | undefined;
    if (foreach && Array.isArray(foreach.do))
      return [{ list: foreach.do, path: `${path}/foreach/do`, variables: [foreach.item ?? 'item', foreach.at ?? 'index'] }];
  }
  return [];
}

export function forVariables(task: ForTask): string[] {
  return [task.for?.each ?? 'item', task.for?.at ?? 'index'];
}

/** The one entry of a task-list item (`{ name: task }`), or undefined for a malformed item. */
export function entryOf(item: unknown): [string, Task] | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const entries = Object.entries(item);
  if (entries.length !== 1) return undefined;
  const [name, task] = entries[0] as [string, unknown];
  if (task === null || typeof task !== 'object' || Array.isArray(task)) return undefined;
  return [name, task as Task];
}

export { taskKindOf };
