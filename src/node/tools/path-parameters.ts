import type { FsRootCapability } from '../../auth/capabilities.js';
import type { JsonSchema } from '../../agent/tools/tool.js';

/** The JSON Schema of a tool that takes one `path` argument. */
export function pathParameters(description: string): JsonSchema {
  return {
    type: 'object',
    properties: { path: { type: 'string', description } },
    required: ['path'],
    additionalProperties: false,
  };
}

/** Read-only capabilities over the configured roots, as the tool asks them of RBAC. */
export function readOnlyRootCapabilities(roots: readonly FsRootCapability[]): { fsRoots: FsRootCapability[] } {
  return { fsRoots: roots.map((r) => ({ path: r.path, write: false })) };
}
