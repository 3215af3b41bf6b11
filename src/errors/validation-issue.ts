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
  readonly code?: string;
  /** `invalid_union`: each alternative's issues, their paths relative to the union's value. */
  readonly errors?: readonly (readonly PathIssue[])[];
}

/**
 * Zod's issues as ours, each path under `prefix` (`body`, `auth`) when given. A value that
 * matches no alternative of a union (`Invalid input`) is reported by the alternative it was
 * meant to be, when that can be told, so the message names the bad field.
 */
export function issuesFromZod(issues: readonly PathIssue[], prefix?: string): ValidationIssue[] {
  return issues.flatMap((issue) => {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    const meant = issue.code === 'invalid_union' ? meantAlternative(issue.errors ?? []) : undefined;
    if (meant) return issuesFromZod(meant, path.join('.') || undefined);
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/**
 * The alternative a value was meant to be: the only one that knows all its keys (a strict
 * object refuses the keys of the others), else the only one with the fewest issues.
 */
function meantAlternative(alternatives: readonly (readonly PathIssue[])[]): readonly PathIssue[] | undefined {
  const knowsKeys = alternatives.filter((issues) => !issues.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0));
  if (knowsKeys.length === 1) return knowsKeys[0];
  const candidates = knowsKeys.length > 0 ? knowsKeys : alternatives;
  const fewest = Math.min(...candidates.map((issues) => issues.length));
  const best = candidates.filter((issues) => issues.length === fewest);
  return best.length === 1 && fewest > 0 ? best[0] : undefined;
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
