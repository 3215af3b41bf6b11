import { AgentboxError } from './agentbox-error.js';

export interface ConfigIssue {
  /** Dotted path of the bad key, e.g. `llm.timeoutMs`. */
  path: string;
  message: string;
}

/** Invalid configuration; the message names every bad key and where it came from. */
export class ConfigError extends AgentboxError {
  readonly issues: ConfigIssue[];
  readonly source: string | undefined;

  constructor(issues: ConfigIssue[], source?: string) {
    const where = source ? ` in ${source}` : '';
    const lines = issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n');
    super('CONFIG_INVALID', `invalid configuration${where}:\n${lines}`, { details: { issues, source } });
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }
}
