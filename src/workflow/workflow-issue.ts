import { AgentboxError } from '../errors/agentbox-error.js';

export type WorkflowIssueCode =
  /** The document does not have the spec's shape (a missing field, a wrong type). */
  | 'structure'
  /** What the spec's official JSON Schema rejects (an unknown key, a wrong type or value). */
  | 'schema'
  /** A task kind agentbox refuses: `run: container | shell`, `call: grpc | asyncapi`. */
  | 'unsupported'
  /** A task kind that is valid but that this version does not run yet (a warning). */
  | 'not-implemented'
  /** A `then:` naming no task of its list. */
  | 'unknown-target'
  /** A `call:` naming no declared, runtime or spec function. */
  | 'unknown-function'
  /** A `run: workflow` naming a workflow that cannot be found (or is invalid). */
  | 'unknown-workflow'
  /** A jq expression that does not compile, or uses an undefined `$variable`. */
  | 'expression';

/** One problem found in a workflow definition; `path` is the JSON pointer of the task or field. */
export interface WorkflowIssue {
  code: WorkflowIssueCode;
  severity: 'error' | 'warning';
  path: string;
  message: string;
}

/** A definition that failed validation: every error, each naming its path. */
export class WorkflowValidationError extends AgentboxError {
  readonly issues: WorkflowIssue[];

  constructor(issues: WorkflowIssue[], source?: string) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    super('WORKFLOW_INVALID', `invalid workflow${source ? ` ${source}` : ''}:\n${lines}`, { details: { issues, ...(source ? { source } : {}) } });
    this.name = 'WorkflowValidationError';
    this.issues = issues;
  }
}

export function issue(code: WorkflowIssueCode, path: string, message: string): WorkflowIssue {
  return { code, severity: code === 'not-implemented' ? 'warning' : 'error', path, message };
}
