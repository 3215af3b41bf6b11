import { AgentboxError } from './agentbox-error.js';
import { formatIssues, type ValidationIssue } from './validation-issue.js';

/** A bad configuration key: the one validation-issue shape, under the name config code has used. */
export type ConfigIssue = ValidationIssue;

/** Invalid configuration; the message names every bad key and where it came from. */
export class ConfigError extends AgentboxError<'CONFIG_INVALID'> {
  readonly issues: ValidationIssue[];
  readonly source: string | undefined;

  constructor(issues: ValidationIssue[], source?: string) {
    const heading = `invalid configuration${source ? ` in ${source}` : ''}`;
    super('CONFIG_INVALID', formatIssues(issues, { heading }), { details: { issues, source } });
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }
}
