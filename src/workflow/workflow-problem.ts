import { AgentboxError } from '../errors/agentbox-error.js';

/**
 * An error as the spec defines it: an RFC 7807 problem. `instance` is the JSON pointer of
 * the task it came from (e.g. `/do/1/fetchPet`).
 */
export interface WorkflowProblem {
  type: string;
  status: number;
  title?: string;
  detail?: string;
  instance?: string;
}

const base = 'https://serverlessworkflow.io/spec/1.0.0/errors';

/** The spec's standard error types, with their default status. */
export const problemTypes = {
  configuration: { type: `${base}/configuration`, status: 400 },
  validation: { type: `${base}/validation`, status: 400 },
  expression: { type: `${base}/expression`, status: 400 },
  authentication: { type: `${base}/authentication`, status: 401 },
  authorization: { type: `${base}/authorization`, status: 403 },
  timeout: { type: `${base}/timeout`, status: 408 },
  communication: { type: `${base}/communication`, status: 500 },
  runtime: { type: `${base}/runtime`, status: 500 },
} as const;

export type ProblemKind = keyof typeof problemTypes;

export function problem(kind: ProblemKind, fields: { title: string; detail?: string; instance: string }): WorkflowProblem {
  return { ...problemTypes[kind], title: fields.title, ...(fields.detail ? { detail: fields.detail } : {}), instance: fields.instance };
}

/**
 * A fault inside a run: carries the problem a `catch` matches against and the run reports.
 * Thrown by task code; `try` catches it, otherwise it ends the run as `faulted`.
 */
export class WorkflowFault extends AgentboxError {
  readonly problem: WorkflowProblem;

  constructor(problemValue: WorkflowProblem, options: { cause?: unknown } = {}) {
    const where = problemValue.instance ? ` at ${problemValue.instance}` : '';
    const detail = problemValue.detail ? `: ${problemValue.detail}` : '';
    super('WORKFLOW_FAULTED', `${problemValue.title ?? problemValue.type}${where}${detail}`, {
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      details: { problem: problemValue },
    });
    this.name = 'WorkflowFault';
    this.problem = problemValue;
  }

  static isFault(error: unknown): error is WorkflowFault {
    return AgentboxError.isInstance(error) && error.code === 'WORKFLOW_FAULTED' && 'problem' in error;
  }
}
