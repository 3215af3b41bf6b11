/**
 * The CNCF Serverless Workflow DSL 1.0.x as TypeScript types: the subset agentbox reads.
 * A types module (so it runs longer than most files). Shapes follow the spec's
 * `schema/workflow.yaml`; fields agentbox does not interpret are kept as `unknown` so a
 * definition round-trips unchanged through the journal.
 */

/** A string that is a runtime expression (`${ … }`) or a literal; an object may hold them. */
export type Expression = string;

/** A duration as the spec writes it: an object of units, or an ISO 8601 string (`PT5S`). */
export type DurationDefinition = string | { days?: number; hours?: number; minutes?: number; seconds?: number; milliseconds?: number };

export interface WorkflowDocument {
  dsl: string;
  namespace: string;
  name: string;
  version: string;
  title?: string;
  summary?: string;
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export interface SchemaDefinition {
  format?: string;
  document?: Record<string, unknown>;
  resource?: unknown;
}

export interface InputDefinition {
  schema?: SchemaDefinition;
  /** Filters the input: `${ .order }` or an object whose strings may be expressions. */
  from?: Expression | Record<string, unknown>;
}

export interface OutputDefinition {
  schema?: SchemaDefinition;
  /** Shapes the output from the raw output. */
  as?: Expression | Record<string, unknown>;
}

export interface ExportDefinition {
  schema?: SchemaDefinition;
  /** The new `$context`, computed from the task's output (`.`) and `$context`. */
  as?: Expression | Record<string, unknown>;
}

/** `continue`, `exit` (leave the enclosing list), `end` (end the workflow) or a sibling task name. */
export type FlowDirective = 'continue' | 'exit' | 'end' | (string & {});

/** Properties every task may carry. */
export interface TaskBase {
  if?: Expression;
  input?: InputDefinition;
  output?: OutputDefinition;
  export?: ExportDefinition;
  timeout?: { after: DurationDefinition } | string;
  then?: FlowDirective;
  metadata?: Record<string, unknown> & { agentbox?: { concurrency?: number } };
}

/** A task list: each item a one-key object `{ name: task }`. */
export type TaskList = Array<Record<string, Task>>;

export interface DoTask extends TaskBase {
  do: TaskList;
}

export interface SetTask extends TaskBase {
  set: Record<string, unknown> | Expression;
}

export interface SwitchCase {
  when?: Expression;
  then: FlowDirective;
}

export interface SwitchTask extends TaskBase {
  switch: Array<Record<string, SwitchCase>>;
}

export interface ForTask extends TaskBase {
  for: { each?: string; in: Expression; at?: string };
  while?: Expression;
  do: TaskList;
}

export interface ErrorDefinition {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  instance?: string;
}

export interface RetryPolicy {
  when?: Expression;
  exceptWhen?: Expression;
  delay?: DurationDefinition;
  backoff?: { constant?: object; linear?: { increment?: DurationDefinition }; exponential?: { factor?: number } };
  limit?: { attempt?: { count?: number; duration?: DurationDefinition }; duration?: DurationDefinition };
  jitter?: { from: DurationDefinition; to: DurationDefinition };
}

export interface CatchDefinition {
  errors?: { with?: Partial<ErrorDefinition> };
  /** The variable the caught error is bound to in `when`, `exceptWhen` and `do`; default `error`. */
  as?: string;
  when?: Expression;
  exceptWhen?: Expression;
  retry?: RetryPolicy | string;
  do?: TaskList;
}

export interface TryTask extends TaskBase {
  try: TaskList;
  catch: CatchDefinition;
}

export interface RaiseTask extends TaskBase {
  raise: { error: ErrorDefinition | string };
}

export interface WaitTask extends TaskBase {
  wait: DurationDefinition;
}

export interface EmitTask extends TaskBase {
  emit: { event: { with: Record<string, unknown> } };
}

export interface CallTask extends TaskBase {
  call: string;
  with?: Record<string, unknown>;
}

export interface RunTask extends TaskBase {
  run: Record<string, unknown>;
}

export interface ForkTask extends TaskBase {
  fork: { branches: TaskList; compete?: boolean };
}

/**
 * Which posted events a `listen` takes: each attribute equal (a string also as a regular
 * expression), `data` as a partial match, or a `${ … }` expression on the attribute.
 * `correlate`: each key's value, `from` the event (a runtime expression), must equal `expect`
 * (or, without one, the first match's).
 */
export type EventFilter = { with?: Record<string, unknown>; correlate?: Record<string, { from: string; expect?: unknown }> };

/** How many events a `listen` takes: one, any of the filters, or one per filter. */
export interface EventConsumption {
  one?: EventFilter;
  any?: EventFilter[];
  all?: EventFilter[];
}

/** `listen.foreach`: tasks run for each taken event, in order. */
export interface SubscriptionIterator {
  item?: string;
  at?: string;
  do?: TaskList;
  output?: { as?: unknown };
  export?: { as?: unknown };
}

export interface ListenTask extends TaskBase {
  /** `to.until` (with `to.any` only): a condition on the events taken so far, or the events that end the stream. */
  listen: { to: EventConsumption & { until?: string | EventConsumption }; read?: 'data' | 'envelope' };
  foreach?: SubscriptionIterator;
}

export type Task = DoTask | SetTask | SwitchTask | ForTask | TryTask | RaiseTask | WaitTask | EmitTask | CallTask | RunTask | ForkTask | ListenTask;

/** A function declared under `use.functions`: a task (usually a `call`) with a name. */
export type FunctionDefinition = Task;

export interface WorkflowDefinition {
  document: WorkflowDocument;
  input?: InputDefinition;
  output?: OutputDefinition;
  use?: {
    functions?: Record<string, FunctionDefinition>;
    errors?: Record<string, ErrorDefinition>;
    retries?: Record<string, RetryPolicy>;
    secrets?: string[];
    /** Reusable authentication policies, by name (`authentication: { use: name }`). */
    authentications?: Record<string, unknown>;
    [key: string]: unknown;
  };
  do: TaskList;
  timeout?: unknown;
  schedule?: unknown;
  evaluate?: { language?: string; mode?: string };
}
