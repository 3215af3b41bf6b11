import type { Task } from './workflow-definition.js';

/** The keyword that makes a task what it is, in the order the spec's schema tries them. */
export const taskKinds = ['call', 'do', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait'] as const;

export type TaskKind = (typeof taskKinds)[number];

/**
 * The kind of a task. `for` and `try` also carry `do`/`catch`, so they are tested before
 * `do`; a task with none of the keywords has no kind (a validation error).
 */
export function taskKindOf(task: Task): TaskKind | undefined {
  const t = task as unknown as Record<string, unknown>;
  if ('for' in t) return 'for';
  if ('try' in t) return 'try';
  for (const kind of taskKinds) if (kind in t) return kind;
  return undefined;
}
