import { intersectCapabilities, type Capabilities } from '../../auth/capabilities.js';
import { normalizePath } from '../../auth/capability-path.js';
import type { WasmCapabilities } from './wasm-manifest.js';

/**
 * What a WASM manifest asks of RBAC: its roots (without the guest mount, which roles do not
 * decide) and its limits. `env`, `clock` and `random` are the manifest's alone.
 */
export function wasmRequestedCapabilities(caps: WasmCapabilities): Capabilities {
  return {
    fsRoots: caps.fsRoots.map((r) => ({ path: r.path, write: r.write })),
    memoryMb: caps.memoryMb,
    timeoutMs: caps.timeoutMs,
  };
}

/**
 * What one call may use: the manifest's grants narrowed by the call's effective capabilities
 * (the manifest ∩ the caller's roles). A directory survives only if a granted root covers it
 * exactly as asked (a narrower root would need a different mount); it loses write access
 * unless that root allows writing. Without effective capabilities (no authorizer) the
 * manifest applies as written.
 */
export function narrowWasmCapabilities(caps: WasmCapabilities, effective: Capabilities | undefined): WasmCapabilities {
  if (effective === undefined) return caps;
  const narrowed = intersectCapabilities(wasmRequestedCapabilities(caps), effective);
  const roots = narrowed.fsRoots ?? [];
  const fsRoots = caps.fsRoots.flatMap((asked) => {
    const root = roots.find((r) => r.path === normalizePath(asked.path));
    return root ? [{ ...asked, write: asked.write && root.write === true }] : [];
  });
  return { ...caps, fsRoots, memoryMb: narrowed.memoryMb ?? caps.memoryMb, timeoutMs: narrowed.timeoutMs ?? caps.timeoutMs };
}
