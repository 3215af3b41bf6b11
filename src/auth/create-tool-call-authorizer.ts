import type { AuthDecision, Authorizer } from './authorizer.js';
import type { Capabilities } from './capabilities.js';

/** The permission a call to tool `name` needs. */
export function toolPermission(name: string): string {
  return `tool:invoke:${name}`;
}

/**
 * Adapts an authorizer to the tool executor's `authorize` option: a call to tool `name`
 * needs `tool:invoke:<name>`. Typed structurally so `auth/` does not import `agent/`.
 *
 * @example
 * new ToolExecutor({ registry, authorize: createToolCallAuthorizer(createAuthorizer(config.auth)) });
 */
export function createToolCallAuthorizer(
  authorizer: Pick<Authorizer, 'decide' | 'capabilitiesFor'>,
): (request: { principal: string; tool: { name: string; capabilities?: Capabilities } }) => AuthDecision & { capabilities?: Capabilities } {
  return (request) => {
    const decision = authorizer.decide(request.principal, toolPermission(request.tool.name));
    if (!decision.allowed || !request.tool.capabilities) return decision;
    const capabilities = authorizer.capabilitiesFor(request.principal, request.tool.name, request.tool.capabilities);
    return { ...decision, capabilities };
  };
}
