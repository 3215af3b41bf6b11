import { intersectCapabilities, type FsRootCapability } from '../../auth/capabilities.js';
import { normalizePath, pathInside } from '../../auth/capability-path.js';
import type { ToolContext } from './tool.js';

/** A root a call may reach, with the configured root it was narrowed from. */
export interface BoundedFsRoot extends FsRootCapability {
  /**
   * The configured root this one lies in (itself when not narrowed). Grants are compared
   * as text; on disk the root's real path must stay inside this one's, and files are
   * opened by walking from it, so a sub-root that is (or becomes) a symlink cannot lead out.
   */
  within?: string;
}

/**
 * What a native tool may reach on this call: its own configuration, narrowed by the
 * call's effective capabilities when the executor passed them. The intersection fails
 * closed, so a malformed grant narrows to nothing.
 */
export function effectiveFsRoots(configured: readonly FsRootCapability[], context: Pick<ToolContext, 'capabilities'>): BoundedFsRoot[] {
  if (context.capabilities === undefined) return configured.map((r) => ({ ...r, within: r.path }));
  const narrowed = intersectCapabilities({ fsRoots: [...configured] }, context.capabilities).fsRoots ?? [];
  const out: BoundedFsRoot[] = [];
  for (const root of narrowed) {
    // The intersection only ever narrows, so some configured root holds each result.
    const within = configured.find((c) => pathInside(normalizePath(root.path), normalizePath(c.path)));
    if (within) out.push({ ...root, within: within.path });
  }
  return out;
}

/** The hosts a native tool may reach on this call: its own, narrowed by the call's capabilities. */
export function effectiveHosts(configured: readonly string[], context: Pick<ToolContext, 'capabilities'>): string[] {
  if (context.capabilities === undefined) return [...configured];
  return intersectCapabilities({ hosts: [...configured] }, context.capabilities).hosts ?? [];
}
