/**
 * Permission strings: `resource:action[:target]`, colon-separated.
 *
 * Rules (what roles allow or deny) may use `*` as a glob inside any segment
 * (`tool:invoke:fs_*`) and a trailing `*` segment that covers the rest (`tool:*`, `*`).
 * A permission being decided is always concrete: no `*`, so "may cli invoke `*`?" cannot
 * be answered by accident with "yes" while one tool is denied.
 *
 * The vocabulary is closed, so a typo in config (`tool:invok:x`) is an error rather than a
 * rule that silently never matches.
 */

interface ResourceSpec {
  actions: readonly string[];
  /** `required`: a third segment must follow; `none`: exactly two segments. */
  target: 'required' | 'none';
  /** Closed set of targets, when there is one (sessions: own / any). */
  targets?: readonly string[];
  /** Actions whose target rule differs from `target` (`workflow:read:own` beside `workflow:run`). */
  targetOf?: Readonly<Record<string, 'required' | 'none'>>;
}

export const permissionVocabulary: Readonly<Record<string, ResourceSpec>> = {
  tool: { actions: ['invoke'], target: 'required' },
  session: { actions: ['read', 'write', 'delete'], target: 'required', targets: ['own', 'any'] },
  /** Start, resume and post events to runs (`run`), cancel them, read own or any run. */
  workflow: { actions: ['run', 'cancel', 'read'], target: 'none', targets: ['own', 'any'], targetOf: { read: 'required' } },
  /** `GET /metrics` of the service (request, LLM and tool counts: operational detail). */
  metrics: { actions: ['read'], target: 'none' },
  /**
   * Ask an agent over MCP (`agent:ask:<name>`, the `ask_<name>` tool): a whole turn, with its
   * model tokens and tool calls, so not covered by `tool:invoke:*`.
   */
  agent: { actions: ['ask'], target: 'required' },
};

const segmentPattern = /^[A-Za-z0-9_.*-]+$/;

/** Why a rule or permission string is malformed, or `undefined` when it is valid. */
export function checkPermissionRule(rule: string): string | undefined {
  return check(rule, true);
}

/** Like {@link checkPermissionRule} for a concrete permission: wildcards are refused. */
export function checkPermission(permission: string): string | undefined {
  if (permission.includes('*')) return `"${permission}" contains "*": only rules may use wildcards`;
  return check(permission, false);
}

function check(text: string, isRule: boolean): string | undefined {
  if (text === '*') return isRule ? undefined : 'a bare "*" is not a concrete permission';
  const segments = text.split(':');
  const bad = segments.find((s) => !segmentPattern.test(s));
  if (bad !== undefined) {
    return bad === '' ? `"${text}" has an empty segment` : `"${text}": segment "${bad}" may contain only letters, digits, "_", "-", "." and "*"`;
  }
  const [resource = '', action, target, ...rest] = segments;
  if (resource.includes('*')) return resource === '*' ? `"${text}": a "*" resource must be the whole rule` : `"${text}": the resource may not be a glob`;
  const spec = permissionVocabulary[resource];
  if (!spec) return `"${text}": unknown resource "${resource}" (known: ${Object.keys(permissionVocabulary).join(', ')})`;
  if (action === undefined) return `"${text}": missing action after "${resource}:"`;
  // A trailing "*" segment stands for everything after it.
  if (action === '*' && target === undefined) return undefined;
  const actions = spec.actions.filter((a) => globMatches(action, a));
  if (actions.length === 0) {
    return `"${text}": unknown action "${action}" for ${resource} (known: ${spec.actions.join(', ')})`;
  }
  if (rest.length > 0) return `"${text}": too many segments`;
  // A glob action (`workflow:*:own`) is valid if any action it covers takes that shape.
  const modes = new Set(actions.map((a) => spec.targetOf?.[a] ?? spec.target));
  if (target === undefined) return modes.has('none') ? undefined : `"${text}": missing target after "${resource}:${action}:"`;
  if (!modes.has('required')) return `"${text}": ${resource}:${action} permissions take no target`;
  if (spec.targets && !spec.targets.some((t) => globMatches(target, t))) {
    return `"${text}": unknown target "${target}" for ${resource} (known: ${spec.targets.join(', ')})`;
  }
  return undefined;
}

/** Whether a (valid) rule covers a (valid, concrete) permission. */
export function ruleMatches(rule: string, permission: string): boolean {
  if (rule === '*') return true;
  const ruleSegments = rule.split(':');
  const segments = permission.split(':');
  const last = ruleSegments.length - 1;
  for (let i = 0; i < ruleSegments.length; i++) {
    const pattern = ruleSegments[i] as string;
    const segment = segments[i];
    if (segment === undefined) return false;
    // Trailing "*" segment: covers this segment and all that follow.
    if (i === last && pattern === '*') return true;
    if (!globMatches(pattern, segment)) return false;
  }
  return ruleSegments.length === segments.length;
}

/** `*` matches any run of characters (within one segment; callers split on ":"). */
export function globMatches(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`);
    // Patterns come from config (requests with "*" are refused first), so this stays small.
    if (compiled.size < 10_000) compiled.set(pattern, regex);
  }
  return regex.test(text);
}

const compiled = new Map<string, RegExp>();
