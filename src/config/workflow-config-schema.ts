import { z } from 'zod';

/**
 * `workflow`: what workflow runs get from the configuration. `secrets` are `$secrets` in
 * jq expressions: a value, or `{ env: NAME }` read from the environment when the process
 * starts (so the value need not sit in the file). Their values never reach the journal.
 * `expressionTimeoutMs` bounds each jq expression's run.
 */
export const workflowConfigSchema = z
  .strictObject({
    secrets: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a secret name is a jq identifier'),
        z.union([z.string(), z.strictObject({ env: z.string().min(1) })]),
      )
      .default({}),
    /** How long one jq expression may run before it is stopped and its task fails (Node; the browser cannot stop one). */
    expressionTimeoutMs: z.number().int().min(10).max(600_000).default(2000),
  })
  .prefault({});

export type WorkflowConfig = z.output<typeof workflowConfigSchema>;

/**
 * The `$secrets` object: each value, or its environment variable's. A variable that is not
 * set leaves its secret out (`$secrets.name` is null) and is named in `missing`.
 *
 * @example
 * resolveWorkflowSecrets({ token: { env: 'API_TOKEN' } }, process.env) // → { secrets: { token: '…' }, missing: [] }
 */
export function resolveWorkflowSecrets(
  secrets: WorkflowConfig['secrets'],
  env: Record<string, string | undefined>,
): { secrets: Record<string, string>; missing: string[] } {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value === 'string') out[name] = value;
    else if (env[value.env] !== undefined) out[name] = env[value.env] as string;
    else missing.push(`${name} ($${value.env})`);
  }
  return { secrets: out, missing };
}
