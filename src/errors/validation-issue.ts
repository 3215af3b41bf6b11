/**
 * The one shape a validation failure takes, wherever it is found (config files, CLI
 * input, request bodies, manifests), and the one way it is written out. Zod's issues carry
 * a path array; ours carry it joined, because that is what a person greps a file for.
 */
export interface ValidationIssue {
  /** Dotted path of the bad value, e.g. `llm.timeoutMs` or `body.messages.2`; `''` is the value itself. */
  path: string;
  message: string;
}

/** Zod's issue, by shape (a duplicated copy of zod works too). */
interface PathIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Zod's issues as ours, each path under `prefix` (`body`, `auth`) when given. */
export function issuesFromZod(issues: readonly PathIssue[], prefix?: string): ValidationIssue[] {
  return issues.map((issue) => ({ path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'), message: issue.message }));
}

/** `path: message`, the path `(root)` when the value itself is bad. */
export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path || '(root)'}: ${issue.message}`;
}

export interface FormatIssuesOptions {
  /** With a heading, one issue a line under it (CLI and config errors, read by people in a terminal). */
  heading?: string;
  /** At most this many issues (an HTTP 400 message stays one short line); the rest stay in `details`. */
  limit?: number;
}

/**
 * Issues as one message: `heading:\n  - a: …\n  - b: …` with a heading, else
 * `a: …; b: …` (the server's 400s, whose message starts with the field).
 */
export function formatIssues(issues: readonly ValidationIssue[], options: FormatIssuesOptions = {}): string {
  const shown = (options.limit === undefined ? issues : issues.slice(0, options.limit)).map(formatIssue);
  if (options.heading === undefined) return shown.join('; ');
  return `${options.heading}:\n${shown.map((line) => `  - ${line}`).join('\n')}`;
}
