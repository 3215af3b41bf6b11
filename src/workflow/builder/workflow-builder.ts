import type {
  DurationDefinition,
  ErrorDefinition,
  FunctionDefinition,
  InputDefinition,
  OutputDefinition,
  RetryPolicy,
  Task,
  WorkflowDefinition,
  WorkflowDocument,
} from '../workflow-definition.js';
import { TaskListBuilder } from './task-list-builder.js';

/**
 * A workflow in code: the same model as the YAML, built in order and handed to
 * `engine.start` (which validates it like any definition).
 *
 * @example
 * const definition = workflow({ namespace: 'demo', name: 'greet', version: '1.0.0' })
 *   .do('greet', task.set({ message: '${ "Hello, " + .name }' }))
 *   .do('reply', task.llm({ prompt: '${ .message }' }))
 *   .build();
 * await engine.start(definition, { input: { name: 'Ada' } });
 */
export class WorkflowBuilder {
  readonly #document: WorkflowDocument;
  readonly #tasks = new TaskListBuilder();
  #input: InputDefinition | undefined;
  #output: OutputDefinition | undefined;
  #timeout: DurationDefinition | undefined;
  readonly #functions: Record<string, FunctionDefinition> = {};
  readonly #errors: Record<string, ErrorDefinition> = {};
  readonly #retries: Record<string, RetryPolicy> = {};
  readonly #secrets: string[] = [];

  constructor(document: Omit<WorkflowDocument, 'dsl'> & { dsl?: string }) {
    this.#document = { dsl: '1.0.0', ...document };
  }

  do(name: string, task: Task): this {
    this.#tasks.do(name, task);
    return this;
  }

  input(input: InputDefinition): this {
    this.#input = input;
    return this;
  }

  output(output: OutputDefinition): this {
    this.#output = output;
    return this;
  }

  /** The whole run's time limit. */
  timeout(after: DurationDefinition): this {
    this.#timeout = after;
    return this;
  }

  /** A function under `use.functions`, callable as `task.call(name, …)`. */
  function(name: string, definition: FunctionDefinition): this {
    this.#functions[name] = definition;
    return this;
  }

  error(name: string, definition: ErrorDefinition): this {
    this.#errors[name] = definition;
    return this;
  }

  retry(name: string, policy: RetryPolicy): this {
    this.#retries[name] = policy;
    return this;
  }

  /** Secret names the workflow reads as `$secrets.NAME` (values come from configuration). */
  secrets(...names: string[]): this {
    this.#secrets.push(...names);
    return this;
  }

  /** A fresh definition each call: building again after more `do` calls does not change earlier results. */
  build(): WorkflowDefinition {
    const use = {
      ...(Object.keys(this.#functions).length > 0 ? { functions: structuredClone(this.#functions) } : {}),
      ...(Object.keys(this.#errors).length > 0 ? { errors: structuredClone(this.#errors) } : {}),
      ...(Object.keys(this.#retries).length > 0 ? { retries: structuredClone(this.#retries) } : {}),
      ...(this.#secrets.length > 0 ? { secrets: [...this.#secrets] } : {}),
    };
    return {
      document: { ...this.#document },
      ...(this.#input ? { input: structuredClone(this.#input) } : {}),
      ...(this.#output ? { output: structuredClone(this.#output) } : {}),
      ...(Object.keys(use).length > 0 ? { use } : {}),
      ...(this.#timeout !== undefined ? { timeout: { after: structuredClone(this.#timeout) } } : {}),
      do: this.#tasks.build(),
    };
  }
}

export function workflow(document: Omit<WorkflowDocument, 'dsl'> & { dsl?: string }): WorkflowBuilder {
  return new WorkflowBuilder(document);
}
