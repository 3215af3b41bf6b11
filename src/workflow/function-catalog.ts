/**
 * What a `call:` may name besides the functions a workflow declares under `use.functions`.
 * The runtime's own functions (the spec's "default catalog" for agentbox) and the spec's
 * protocol calls, each with what this version does with it.
 */
export const runtimeFunctions = ['llm', 'agent', 'tool'] as const;

export type CallSupport = 'runs' | 'refused' | 'not-implemented';

const specCalls: Record<string, CallSupport> = {
  http: 'runs',
  openapi: 'runs',
  mcp: 'runs',
  a2a: 'not-implemented',
  grpc: 'refused',
  asyncapi: 'refused',
};

/** `name:version@catalog`: a cataloged function, resolved when the run starts. */
const catalogReference = /^[A-Za-z0-9][\w.-]*:[\w.+-]+@[A-Za-z0-9][\w.-]*$/;

export type CallResolution =
  | { kind: 'runtime'; name: (typeof runtimeFunctions)[number] }
  | { kind: 'spec'; name: string; support: CallSupport }
  | { kind: 'declared'; name: string }
  | { kind: 'catalog'; name: string }
  | { kind: 'unknown'; name: string };

export function resolveCall(name: string, declared: Record<string, unknown> | undefined): CallResolution {
  if (declared && Object.hasOwn(declared, name)) return { kind: 'declared', name };
  if ((runtimeFunctions as readonly string[]).includes(name)) return { kind: 'runtime', name: name as (typeof runtimeFunctions)[number] };
  const support = Object.hasOwn(specCalls, name) ? specCalls[name] : undefined;
  if (support) return { kind: 'spec', name, support };
  if (catalogReference.test(name) || isFunctionUri(name)) return { kind: 'catalog', name };
  return { kind: 'unknown', name };
}

/** `name:version@catalog` split, or undefined when it is not a catalog reference. */
export function parseCatalogReference(reference: string): { name: string; version: string; catalog: string } | undefined {
  if (!catalogReference.test(reference)) return undefined;
  const at = reference.lastIndexOf('@');
  const colon = reference.indexOf(':');
  return { name: reference.slice(0, colon), version: reference.slice(colon + 1, at), catalog: reference.slice(at + 1) };
}

/** `call: https://…/function.yaml`: a custom function by its URI, fetched when the run starts. */
export function isFunctionUri(reference: string): boolean {
  if (!/^https?:\/\//i.test(reference)) return false;
  try {
    new URL(reference);
    return true;
  } catch {
    return false;
  }
}
