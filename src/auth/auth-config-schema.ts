import { z } from 'zod';
import { isAbsolutePath } from './capability-path.js';
import { parseHostPattern } from './host-pattern.js';
import { checkPermissionRule } from './permission.js';

/**
 * The `auth` section of the config: roles, the principals that hold them, and the default
 * principal. Validated strictly: an unknown role, a malformed or unknown permission, an
 * inheritance cycle or an unknown key is a config error naming the key.
 *
 * Built-in defaults, merged under what the file says (a role or principal defined in the
 * file replaces the built-in one of the same name):
 *
 * - role `admin`: allow `*`; capabilities: every path (`/`, read-write) and every host.
 * - role `user`: allow `tool:invoke:*`, `session:*:own`, `workflow:run`, `workflow:read:own`,
 *   `workflow:cancel`, `agent:ask:*`; the same capabilities as `admin`. It differs from `admin` in reaching
 *   only its own sessions and workflow runs.
 * - principal `cli` → [`admin`], and `defaultPrincipal: "cli"`: the person at the
 *   keyboard of a personal machine may use every built-in tool. That is not a way out of
 *   the sandbox: a tool still gets only the intersection of what it was configured with
 *   (e.g. the fs tools' roots, `http_fetch`'s hosts) and what the roles grant.
 *
 * Roles grant capabilities explicitly; a role with no `capabilities`, or without
 * `fsRoots`/`hosts`, grants no files/hosts (see `capabilities.ts` for limits).
 *
 * @example
 * // agentbox.yaml
 * // auth:
 * //   roles:
 * //     reader: { allow: ["tool:invoke:fs_read", "tool:invoke:fs_list", "session:read:own"],
 * //               capabilities: { fsRoots: [{ path: /srv/docs }] } }
 * //     ops: { inherits: [reader], allow: ["tool:*"], deny: ["tool:invoke:fs_write"] }
 * //   principals:
 * //     key-ci: { roles: [ops] }
 */

const nameSchema = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "-" and "."');

const permissionRuleSchema = z.string().superRefine((rule, ctx) => {
  const reason = checkPermissionRule(rule);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});

const hostPatternSchema = z.string().superRefine((pattern, ctx) => {
  const parsed = parseHostPattern(pattern);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

/**
 * A role's grant: a `Capabilities` (see `capabilities.ts`), spelt as manifests and the
 * tools' config spell it. A WASM mount (`guest`) is the manifest's, not a role's, to set.
 */
export const capabilitiesSchema = z.strictObject({
  fsRoots: z
    .array(
      z.strictObject({
        path: z.string().refine(isAbsolutePath, 'must be an absolute path'),
        write: z.boolean().optional(),
      }),
    )
    .optional(),
  hosts: z.array(hostPatternSchema).optional(),
  memoryMb: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export const roleSchema = z.strictObject({
  description: z.string().optional(),
  allow: z.array(permissionRuleSchema).default([]),
  /** Denies win over allows from any role the principal holds. */
  deny: z.array(permissionRuleSchema).default([]),
  /** Roles whose rules and capabilities this role also has. */
  inherits: z.array(nameSchema).default([]),
  capabilities: capabilitiesSchema.optional(),
});

export const principalSchema = z.strictObject({
  description: z.string().optional(),
  roles: z.array(nameSchema),
});

export type RoleConfig = z.output<typeof roleSchema>;
export type PrincipalConfig = z.output<typeof principalSchema>;

const everything = { fsRoots: [{ path: '/', write: true }], hosts: ['*'] };

export const builtinRoles: Readonly<Record<string, RoleConfig>> = {
  admin: { description: 'everything', allow: ['*'], deny: [], inherits: [], capabilities: everything },
  user: {
    description: 'all tools, own sessions and workflow runs',
    // `agent:ask:*`: a user already runs turns in its own sessions; over MCP (ask_<agent>) too.
    allow: ['tool:invoke:*', 'session:*:own', 'workflow:run', 'workflow:read:own', 'workflow:cancel', 'agent:ask:*'],
    deny: [],
    inherits: [],
    capabilities: everything,
  },
};

export const builtinPrincipals: Readonly<Record<string, PrincipalConfig>> = {
  cli: { description: 'the local command-line user', roles: ['admin'] },
  browser: { description: 'the user of a page running the agent in a Web Worker', roles: ['admin'] },
};

export const authConfigSchema = z
  .strictObject({
    roles: z.record(nameSchema, roleSchema).default({}),
    principals: z.record(z.string().min(1), principalSchema).default({}),
    /** The principal used when a front end names none (the CLI). */
    defaultPrincipal: z.string().min(1).default('cli'),
  })
  // Checked against the built-ins merged in, as the authorizer will see them; the output
  // itself stays what the file said (a plain object schema, so tooling can read its keys).
  .superRefine((written, ctx) => {
    const config = withBuiltins(written);
    const known = Object.keys(config.roles);
    const unknown = (role: string) => `unknown role "${role}" (defined: ${known.join(', ')})`;
    for (const [id, principal] of Object.entries(config.principals)) {
      principal.roles.forEach((role, i) => {
        if (!Object.hasOwn(config.roles, role)) ctx.addIssue({ code: 'custom', path: ['principals', id, 'roles', i], message: unknown(role) });
      });
    }
    for (const [name, role] of Object.entries(config.roles)) {
      role.inherits.forEach((parent, i) => {
        if (!Object.hasOwn(config.roles, parent)) ctx.addIssue({ code: 'custom', path: ['roles', name, 'inherits', i], message: unknown(parent) });
      });
    }
    for (const cycle of findCycles(config.roles)) {
      ctx.addIssue({ code: 'custom', path: ['roles', cycle[0] as string, 'inherits'], message: `inheritance cycle: ${cycle.join(' → ')}` });
    }
    // hasOwn, not `in`: "constructor" or "toString" must not pass as a defined name.
    if (!Object.hasOwn(config.principals, config.defaultPrincipal)) {
      ctx.addIssue({ code: 'custom', path: ['defaultPrincipal'], message: `unknown principal "${config.defaultPrincipal}"` });
    }
  })
  .prefault({});

/**
 * The config in force: built-in roles and principals with the file's on top (a role or
 * principal the file defines replaces the built-in one of the same name).
 */
export function withBuiltins<T extends { roles: Record<string, RoleConfig>; principals: Record<string, PrincipalConfig>; defaultPrincipal: string }>(
  config: T,
): T {
  return { ...config, roles: { ...builtinRoles, ...config.roles }, principals: { ...builtinPrincipals, ...config.principals } };
}

export type AuthConfig = z.output<typeof authConfigSchema>;
/** What a user writes: everything optional. */
export type AuthConfigInput = z.input<typeof authConfigSchema>;

/** Each inheritance cycle once, as a path that starts and ends at the same role. */
function findCycles(roles: Record<string, RoleConfig>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (name: string, stack: string[]): void => {
    const at = stack.indexOf(name);
    if (at >= 0) {
      cycles.push([...stack.slice(at), name]);
      return;
    }
    const role = Object.hasOwn(roles, name) ? roles[name] : undefined;
    if (done.has(name) || !role) return;
    for (const parent of role.inherits) visit(parent, [...stack, name]);
    done.add(name);
  };
  for (const name of Object.keys(roles)) visit(name, []);
  return cycles;
}
