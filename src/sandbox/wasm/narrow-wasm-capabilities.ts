import { intersectCapabilities, type Capabilities } from '../../auth/capabilities.js';
import type { WasmCapabilities } from './wasm-manifest.js';

/** A WASM manifest's requests in the RBAC vocabulary, so roles can be intersected with them. */
export function wasmRequestedCapabilities(caps: WasmCapabilities): Capabilities {
  return {
    fsRoots: caps.dirs.map((d) => ({ path: d.host, write: d.write })),
    memoryMb: caps.memoryMb,
    timeoutMs: caps.timeoutMs,
  };
}

/**
 * What one call may use: the manifest's grants narrowed by the call's effective capabilities
 * (the manifest ∩ the caller's roles). A directory survives only if a granted root covers it
 * exactly as asked; it loses write access unless that root allows writing. Without effective
 * capabilities (no authorizer) the manifest applies as written.
 */
export function narrowWasmCapabilities(caps: WasmCapabilities, effective: Record<string, unknown> | undefined): WasmCapabilities {
  if (effective === undefined) return caps;
  const granted = effective as Capabilities;
  const roots = intersectCapabilities({ fsRoots: caps.dirs.map((d) => ({ path: d.host, write: d.write })) }, granted).fsRoots ?? [];
  const dirs = caps.dirs.flatMap((d) => {
    const root = roots.find((r) => r.path === d.host || r.path.replace(/\/+$/, '') === d.host.replace(/\/+$/, ''));
    return root ? [{ ...d, write: d.write && root.write === true }] : [];
  });
  return {
    ...caps,
    dirs,
    memoryMb: Math.min(caps.memoryMb, typeof granted.memoryMb === 'number' ? granted.memoryMb : caps.memoryMb),
    timeoutMs: Math.min(caps.timeoutMs, typeof granted.timeoutMs === 'number' ? granted.timeoutMs : caps.timeoutMs),
  };
}
