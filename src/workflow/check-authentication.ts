import { supportedAuthentications, supportedGrants } from './http-authentication.js';
import { expressionBody } from './runtime-expression.js';
import { issue, type WorkflowIssue } from './workflow-issue.js';

const specKinds = new Set(['basic', 'bearer', 'digest', 'oauth2', 'oidc', 'certificate']);

/**
 * An endpoint's `authentication`: a `use` of a declared policy, or one policy of a kind
 * agentbox sends (basic, bearer, and OAuth2 / OpenID Connect with a grant that needs no
 * person); `digest` and `certificate` are valid DSL this version does not send.
 */
export function checkAuthentication(authentication: unknown, at: string, declared: Record<string, unknown> | undefined): WorkflowIssue[] {
  if (authentication === undefined || typeof authentication === 'string') return [];
  if (authentication === null || typeof authentication !== 'object' || Array.isArray(authentication)) {
    return [issue('structure', at, '`authentication` must be a policy (basic, bearer, oauth2, oidc) or { use: name }')];
  }
  const policy = authentication as Record<string, unknown>;
  if ('use' in policy) {
    if (typeof policy.use !== 'string' || !declared || !Object.hasOwn(declared, policy.use)) {
      const names = Object.keys(declared ?? {});
      return [
        issue(
          'structure',
          `${at}/use`,
          `authentication '${String(policy.use)}' is not declared under use.authentications (declared: ${names.join(', ') || 'none'})`,
        ),
      ];
    }
    return [];
  }
  return checkPolicy(policy, at);
}

/** Each policy under `use.authentications`. */
export function checkDeclaredAuthentications(declared: Record<string, unknown> | undefined): WorkflowIssue[] {
  return Object.entries(declared ?? {}).flatMap(([name, policy]) =>
    policy !== null && typeof policy === 'object' && !Array.isArray(policy)
      ? checkPolicy(policy as Record<string, unknown>, `/use/authentications/${name}`)
      : [issue('structure', `/use/authentications/${name}`, 'an authentication policy must be an object')],
  );
}

function checkPolicy(policy: Record<string, unknown>, at: string): WorkflowIssue[] {
  const kinds = Object.keys(policy);
  if (kinds.length !== 1 || !specKinds.has(kinds[0] as string)) {
    return [issue('structure', at, `an authentication policy names exactly one of ${[...specKinds].join(', ')}`)];
  }
  const kind = kinds[0] as string;
  if (!(supportedAuthentications as readonly string[]).includes(kind)) {
    return [
      issue(
        'not-implemented',
        `${at}/${kind}`,
        `${kind} authentication is not supported by this version of agentbox (it sends ${supportedAuthentications.join(', ')})`,
      ),
    ];
  }
  const properties = policy[kind] as Record<string, unknown> | null;
  if (kind !== 'oauth2' && kind !== 'oidc') return [];
  const grant = properties?.grant;
  if (typeof grant === 'string' && expressionBody(grant) === undefined && !(supportedGrants as readonly string[]).includes(grant)) {
    return [
      issue('not-implemented', `${at}/${kind}/grant`, `OAuth2 grant '${grant}' needs a person or a prior token; workflows use ${supportedGrants.join(' or ')}`),
    ];
  }
  return [];
}
