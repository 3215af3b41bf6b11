import type {
  CallTask,
  CatchDefinition,
  DoTask,
  DurationDefinition,
  EmitTask,
  ErrorDefinition,
  EventFilter,
  Expression,
  ForkTask,
  ForTask,
  ListenTask,
  RaiseTask,
  RunTask,
  SetTask,
  SwitchCase,
  SwitchTask,
  TaskBase,
  TryTask,
  WaitTask,
} from '../workflow-definition.js';
import { toTaskList, type TaskListInput } from './task-list-builder.js';

/** What every task may carry besides its kind (`if`, `input`, `output`, `export`, `then`, `timeout`, `metadata`). */
export type TaskOptions = TaskBase;

/** The runtime's functions and the spec's calls, with the shape of their `with`. */
export interface LlmArguments {
  prompt?: Expression;
  messages?: Array<{ role: 'system' | 'user' | 'assistant'; content: Expression }> | Expression;
  system?: Expression;
}

export interface HttpArguments {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | (string & {});
  endpoint: Expression | { uri: Expression };
  headers?: Record<string, Expression>;
  query?: Record<string, Expression>;
  body?: unknown;
  output?: 'content' | 'response' | 'raw';
}

const withOptions = <T extends object>(task: T, options: TaskOptions | undefined): T => ({ ...(options ?? {}), ...task });

/**
 * One constructor per task kind of the agentbox profile; each returns the plain object the
 * YAML would hold, so a built workflow is the same data as a written one (and journals,
 * validates and graphs the same way).
 *
 * @example
 * task.for({ in: '${ .topics }', each: 'topic', concurrency: 4 }, (list) =>
 *   list.do('summarize', task.llm({ prompt: '${ "Summarize " + $topic }' })))
 */
export const task = {
  do: (body: TaskListInput, options?: TaskOptions): DoTask => withOptions({ do: toTaskList(body) }, options),

  set: (values: Record<string, unknown> | Expression, options?: TaskOptions): SetTask => withOptions({ set: values }, options),

  /** Cases in order; `when` omitted is the default case. */
  switch: (cases: Record<string, SwitchCase>, options?: TaskOptions): SwitchTask =>
    withOptions({ switch: Object.entries(cases).map(([name, c]) => ({ [name]: c })) }, options),

  /** `concurrency` is agentbox's `metadata.agentbox.concurrency` (iterations in flight). */
  for: (
    loop: { in: Expression; each?: string; at?: string; while?: Expression; concurrency?: number },
    body: TaskListInput,
    options?: TaskOptions,
  ): ForTask => {
    const { while: holds, concurrency, ...over } = loop;
    const metadata =
      concurrency !== undefined ? { ...(options?.metadata ?? {}), agentbox: { ...(options?.metadata?.agentbox ?? {}), concurrency } } : options?.metadata;
    return withOptions({ for: over, ...(holds !== undefined ? { while: holds } : {}), do: toTaskList(body), ...(metadata ? { metadata } : {}) }, options);
  },

  fork: (branches: TaskListInput, fork: { compete?: boolean } = {}, options?: TaskOptions): ForkTask =>
    withOptions({ fork: { branches: toTaskList(branches), ...fork } }, options),

  try: (body: TaskListInput, handler: Omit<CatchDefinition, 'do'> & { do?: TaskListInput }, options?: TaskOptions): TryTask => {
    const { do: recovery, ...rest } = handler;
    return withOptions({ try: toTaskList(body), catch: { ...rest, ...(recovery !== undefined ? { do: toTaskList(recovery) } : {}) } }, options);
  },

  /** An error to raise, or the name of one declared under `use.errors`. */
  raise: (error: ErrorDefinition | string, options?: TaskOptions): RaiseTask => withOptions({ raise: { error } }, options),

  wait: (duration: DurationDefinition, options?: TaskOptions): WaitTask => withOptions({ wait: duration }, options),

  emit: (event: Record<string, unknown>, options?: TaskOptions): EmitTask => withOptions({ emit: { event: { with: event } } }, options),

  listen: (to: { one: EventFilter } | { any: EventFilter[] } | { all: EventFilter[] }, read?: 'data' | 'envelope', options?: TaskOptions): ListenTask =>
    withOptions({ listen: { to, ...(read ? { read } : {}) } }, options),

  /** Any `call`: a runtime function, a spec call or a function declared under `use.functions`. */
  call: (fn: string, args?: Record<string, unknown>, options?: TaskOptions): CallTask =>
    withOptions({ call: fn, ...(args !== undefined ? { with: args } : {}) }, options),

  llm: (args: LlmArguments, options?: TaskOptions): CallTask => task.call('llm', { ...args }, options),

  agent: (args: { input: Expression; system?: Expression }, options?: TaskOptions): CallTask => task.call('agent', { ...args }, options),

  tool: (name: string, args: Record<string, unknown> = {}, options?: TaskOptions): CallTask => task.call('tool', { name, arguments: args }, options),

  http: (args: HttpArguments, options?: TaskOptions): CallTask => task.call('http', { ...args }, options),

  /** A sub-workflow, resolved by namespace, name and version when the run starts. */
  workflow: (ref: { namespace: string; name: string; version: string; input?: unknown }, options?: TaskOptions): RunTask =>
    withOptions({ run: { workflow: { ...ref } } }, options),

  /** JavaScript in the QuickJS sandbox (no host access); `arguments` become variables. */
  script: (code: string, args?: Record<string, unknown>, options?: TaskOptions): RunTask =>
    withOptions({ run: { script: { language: 'js', code, ...(args ? { arguments: args } : {}) } } }, options),
};
