import type { AgentboxConfig } from '../config/config-schema.js';
import { resolveWorkflowSecrets } from '../config/workflow-config-schema.js';

/** `workflow.secrets` with their environment variables read now; one unset is left out, with a warning on stderr. */
export function workflowSecrets(config: AgentboxConfig): Record<string, string> {
  const { secrets, missing } = resolveWorkflowSecrets(config.workflow.secrets, process.env);
  if (missing.length > 0) process.stderr.write(`agentbox: workflow.secrets not set in the environment: ${missing.join(', ')}\n`);
  return secrets;
}
