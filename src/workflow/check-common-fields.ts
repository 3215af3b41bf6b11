import { checkDataSchema } from './data-schema.js';
import { durationMs } from './duration.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

/**
 * What a task and a workflow share: `input.schema`, `output.schema` and `timeout` (inline
 * `{ after }` or the name of one under `use.timeouts`). `at` is the task's path, or `''`
 * for the workflow itself.
 */
export function checkCommonFields(node: Record<string, unknown>, at: string, timeouts: Record<string, unknown> | undefined): WorkflowIssue[] {
  const input = node.input as Record<string, unknown> | undefined;
  const output = node.output as Record<string, unknown> | undefined;
  const issues = [...checkDataSchema(input?.schema, `${at}/input/schema`), ...checkDataSchema(output?.schema, `${at}/output/schema`)];
  const timeout = node.timeout;
  if (timeout === undefined) return issues;
  if (typeof timeout === 'string') {
    if (!timeouts || !Object.hasOwn(timeouts, timeout))
      issues.push(issue('structure', `${at}/timeout`, `timeout '${timeout}' is not declared under use.timeouts`));
    return issues;
  }
  const after = (timeout as { after?: unknown } | null)?.after;
  const ms = after === undefined ? undefined : durationMs(after as never);
  if (ms === undefined || ms <= 0)
    issues.push(issue('structure', `${at}/timeout`, '`timeout` must be `{ after: <duration> }` (a positive duration) or the name of one under use.timeouts'));
  return issues;
}
