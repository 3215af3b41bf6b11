import { AgentboxError } from '../../errors/agentbox-error.js';
import type { Task, TaskList } from '../workflow-definition.js';

/** A task list given as data, or built in code: `(list) => list.do('a', …).do('b', …)`. */
export type TaskListInput = TaskList | ((list: TaskListBuilder) => TaskListBuilder | undefined);

/**
 * Builds a task list in order. Names must be unique in their list: `then:` jumps and task
 * paths name tasks by them, so a repeated name is refused here rather than at run time.
 */
export class TaskListBuilder {
  readonly #items: TaskList = [];
  readonly #names = new Set<string>();

  do(name: string, task: Task): this {
    if (typeof name !== 'string' || name === '') throw new AgentboxError('WORKFLOW_INVALID', 'a task needs a non-empty name');
    if (this.#names.has(name)) {
      throw new AgentboxError('WORKFLOW_INVALID', `two tasks are named '${name}' in one list; names must be unique`);
    }
    this.#names.add(name);
    this.#items.push({ [name]: task });
    return this;
  }

  build(): TaskList {
    return structuredClone(this.#items);
  }
}

export function toTaskList(input: TaskListInput): TaskList {
  if (Array.isArray(input)) return structuredClone(input);
  const builder = new TaskListBuilder();
  return (input(builder) ?? builder).build();
}
