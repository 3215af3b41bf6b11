import { intersectCapabilities, type Capabilities, type FsRootCapability } from '../../auth/capabilities.js';
import type { ToolContext } from '../../agent/tools/tool.js';

/**
 * What a native tool may reach on this call: its own configuration, narrowed by the
 * call's effective capabilities when the executor passed them. A malformed capability
 * object narrows to nothing: fail closed.
 */
export function effectiveFsRoots(configured: readonly FsRootCapability[], context: Pick<ToolContext, 'capabilities'>): FsRootCapability[] {
  if (context.capabilities === undefined) return [...configured];
  const granted = readCapabilities(context.capabilities);
  return intersectCapabilities({ fsRoots: [...configured] }, granted).fsRoots ?? [];
}

export function effectiveHosts(configured: readonly string[], context: Pick<ToolContext, 'capabilities'>): string[] {
  if (context.capabilities === undefined) return [...configured];
  const granted = readCapabilities(context.capabilities);
  return intersectCapabilities({ hosts: [...configured] }, granted).hosts ?? [];
}

function readCapabilities(raw: Record<string, unknown>): Capabilities {
  const out: Capabilities = {};
  const { fsRoots, hosts } = raw;
  if (Array.isArray(fsRoots)) {
    out.fsRoots = fsRoots.filter(
      (r): r is FsRootCapability =>
        typeof r === 'object' && r !== null && typeof (r as FsRootCapability).path === 'string',
    );
  }
  if (Array.isArray(hosts)) out.hosts = hosts.filter((h): h is string => typeof h === 'string');
  return out;
}
