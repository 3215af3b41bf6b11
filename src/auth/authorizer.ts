import type { AuthConfig, AuthConfigInput, RoleConfig } from './auth-config-schema.js';
import { intersectCapabilities, unionCapabilities, type Capabilities } from './capabilities.js';
import { parseAuthConfig } from './parse-auth-config.js';
import { checkPermission, ruleMatches } from './permission.js';

/** The answer to "may this principal do this?" — data, never an exception. */
export interface AuthDecision {
  allowed: boolean;
  permission: string;
  principal: string;
  /** The deciding rule, e.g. `role user allow tool:invoke:*`; absent when none matched. */
  rule?: string;
  /** The role the deciding rule is written in. */
  role?: string;
  reason: string;
}

/** One rule that matched, for `explain`. */
export interface RuleMatch {
  role: string;
  effect: 'allow' | 'deny';
  pattern: string;
  /** Set when `role` came in through inheritance: the chain from a directly held role. */
  via?: string[];
}

export interface AuthExplanation {
  decision: AuthDecision;
  /** The principal's roles, inherited ones included, in lookup order. */
  roles: string[];
  /** Every rule that matched, denies first. */
  matches: RuleMatch[];
}

export interface Authorizer {
  decide(principal: string, permission: string): AuthDecision;
  explain(principal: string, permission: string): AuthExplanation;
  /** Direct and inherited roles; empty for an unknown principal. */
  rolesOf(principal: string): string[];
  /** What a tool may use when `principal` calls it: its request ∩ the principal's grants. */
  capabilitiesFor(principal: string, toolName: string, requested: Capabilities): Capabilities;
  /** Everything `principal`'s roles grant (their capabilities' union; `{}` for none): e.g. the directories an MCP server may be told of as roots. */
  grantsOf(principal: string): Capabilities;
  readonly config: AuthConfig;
}

interface HeldRole {
  name: string;
  role: RoleConfig;
  via: string[];
}

/**
 * Builds an authorizer from an `auth` config (validated again here; a bad one throws a
 * ConfigError). Explicit denies from any role win over allows from any role.
 *
 * An allow of `session:<action>:any` also covers `session:<action>:own`: whoever may
 * read every session may read their own. Denies match only what they say, so denying
 * `session:read:any` while allowing `session:read:own` keeps a principal to its own.
 *
 * @example
 * const auth = createAuthorizer({ principals: { bob: { roles: ['user'] } } });
 * auth.decide('bob', 'tool:invoke:fs_read').allowed; // true
 * auth.decide('bob', 'session:read:any').reason;     // "no rule of bob's roles (user) allows session:read:any"
 */
export function createAuthorizer(input: AuthConfigInput | AuthConfig = {}): Authorizer {
  const config = parseAuthConfig(input as AuthConfigInput);
  const rolesCache = new Map<string, HeldRole[]>();
  // Own keys only: principal ids come from requests, and "constructor", "toString" or
  // "__proto__" must not be found on Object.prototype as a principal or a role.
  const isPrincipal = (id: string): boolean => Object.hasOwn(config.principals, id);
  const roleNamed = (name: string): RoleConfig | undefined => (Object.hasOwn(config.roles, name) ? config.roles[name] : undefined);

  const heldRoles = (principal: string): HeldRole[] => {
    const cached = rolesCache.get(principal);
    if (cached) return cached;
    const held: HeldRole[] = [];
    const seen = new Set<string>();
    // Breadth-first, so direct roles come before inherited ones in explanations.
    const queue: { name: string; via: string[] }[] = (isPrincipal(principal) ? (config.principals[principal]?.roles ?? []) : []).map((name) => ({
      name,
      via: [],
    }));
    for (let next = queue.shift(); next; next = queue.shift()) {
      const role = roleNamed(next.name);
      if (!role || seen.has(next.name)) continue;
      seen.add(next.name);
      held.push({ name: next.name, role, via: next.via });
      for (const parent of role.inherits) queue.push({ name: parent, via: [...next.via, next.name] });
    }
    // Only known principals are cached: ids from requests must not grow memory without bound.
    if (isPrincipal(principal)) rolesCache.set(principal, held);
    return held;
  };

  const explain = (principal: string, permission: string): AuthExplanation => {
    const base = { permission, principal };
    const held = heldRoles(principal);
    const roles = held.map((h) => h.name);
    const malformed = checkPermission(permission);
    if (malformed) return { decision: { ...base, allowed: false, reason: `malformed permission: ${malformed}` }, roles, matches: [] };
    if (!isPrincipal(principal)) {
      return { decision: { ...base, allowed: false, reason: `unknown principal "${principal}"` }, roles, matches: [] };
    }
    const implied = impliedBy(permission);
    const denies: RuleMatch[] = [];
    const allows: RuleMatch[] = [];
    for (const { name, role, via } of held) {
      const extra = via.length > 0 ? { via } : {};
      for (const pattern of role.deny) if (ruleMatches(pattern, permission)) denies.push({ role: name, effect: 'deny', pattern, ...extra });
      for (const pattern of role.allow) {
        if (implied.some((p) => ruleMatches(pattern, p))) allows.push({ role: name, effect: 'allow', pattern, ...extra });
      }
    }
    const matches = [...denies, ...allows];
    const deciding = denies[0] ?? allows[0];
    if (!deciding) {
      const reason = `no rule of ${principal}'s roles (${roles.join(', ') || 'none'}) allows ${permission}`;
      return { decision: { ...base, allowed: false, reason }, roles, matches };
    }
    const rule = describeRule(deciding);
    const allowed = deciding.effect === 'allow';
    const decision: AuthDecision = { ...base, allowed, rule, role: deciding.role, reason: allowed ? `allowed by ${rule}` : `denied by ${rule}` };
    return { decision, roles, matches };
  };

  return {
    config,
    explain,
    decide: (principal, permission) => explain(principal, permission).decision,
    rolesOf: (principal) => heldRoles(principal).map((h) => h.name),
    // The tool name is part of the signature so grants can later be scoped per tool.
    capabilitiesFor(principal, _toolName, requested) {
      // No grant at all must give nothing, not "no ceiling": start from an empty grant.
      return intersectCapabilities(requested, grantsOf(principal));
    },
    grantsOf,
  };

  function grantsOf(principal: string): Capabilities {
    const grants = heldRoles(principal).flatMap((h) => (h.role.capabilities ? [h.role.capabilities] : []));
    return grants.length > 0 ? unionCapabilities(grants) : {};
  }
}

/** The permission itself, plus `session:<action>:any` for an `:own` session permission. */
function impliedBy(permission: string): string[] {
  const [resource, action, target] = permission.split(':');
  if (resource === 'session' && target === 'own') return [permission, `session:${action}:any`];
  return [permission];
}

function describeRule(match: RuleMatch): string {
  const via = match.via ? ` (inherited via ${match.via.join(' → ')})` : '';
  return `role ${match.role}${via} ${match.effect} ${match.pattern}`;
}
