/**
 * Capabilities: what a tool may reach (file roots, hosts) and how much it may use (memory,
 * time). One type for every side that speaks of them: a tool's request (`Tool.capabilities`,
 * a WASM or script manifest's parsed `capabilities`, the native tools' config), a role's
 * grant (`auth.roles.*.capabilities`), and what one call may use (`ToolContext.capabilities`,
 * the executor's authorization decision). The intersection is computed here as pure data so
 * every sandbox enforces the same answer.
 *
 * It lives in `auth/`, the lowest layer all of them import (the executor, the sandboxes and
 * the native tools sit above it), next to the intersection that gives it its meaning.
 *
 * Kinds differ in what "absent" means:
 * - lists (`fsRoots`, `hosts`): absent or empty grants nothing of that kind;
 * - limits (`memoryMb`, `timeoutMs`): absent sets no ceiling from that side, so the other
 *   side's value (or the executor's default) applies.
 *
 * A kind of tool that needs more extends this type rather than renaming it: a WASM manifest
 * adds a guest mount path to each root (`guest`) and its own `env`, `clock` and `random`
 * (`WasmCapabilities`), which roles do not grant.
 *
 * Values are typed, but may still come from plain JavaScript (a custom `authorize`): the
 * intersection fails closed on a malformed list or entry (it grants nothing of that kind)
 * and ignores a limit that is not a positive number (the tool's own limit then applies).
 */
import { formatHostPattern, hostNameCovered, parseHostPattern, type HostPattern } from './host-pattern.js';
import { isAbsolutePath, normalizePath, pathInside } from './capability-path.js';

export interface FsRootCapability {
  /** Absolute path. `/` grants every absolute path (including Windows drive paths). */
  path: string;
  /** Writing (and creating) files under the root; default false. */
  write?: boolean;
  /**
   * Where a WASM guest sees the directory (its WASI preopen, e.g. `/data`). Only WASM
   * manifests set it; the intersection ignores it, so a role cannot move a mount, and a
   * role grant does not accept it.
   */
  guest?: string;
}

export interface Capabilities {
  fsRoots?: FsRootCapability[];
  /** Host patterns, see `host-pattern.ts`: `api.example.com`, `*.example.com`, `host:8080`, `*`. */
  hosts?: string[];
  memoryMb?: number;
  timeoutMs?: number;
}

/**
 * The capabilities a tool actually gets: roots inside both sides (write only if both
 * say write), hosts both sides cover, the smaller of each limit.
 *
 * @example
 * intersectCapabilities(
 *   { fsRoots: [{ path: '/home/me/project', write: true }], hosts: ['api.github.com'], timeoutMs: 60_000 },
 *   { fsRoots: [{ path: '/home/me' }], hosts: ['*.github.com'], timeoutMs: 10_000 },
 * ); // → { fsRoots: [{ path: '/home/me/project', write: false }], hosts: ['api.github.com'], timeoutMs: 10_000 }
 */
export function intersectCapabilities(requested: Capabilities, granted: Capabilities): Capabilities {
  const result: Capabilities = {};
  if (requested.fsRoots !== undefined) result.fsRoots = intersectRoots(usableRoots(requested.fsRoots), usableRoots(granted.fsRoots));
  if (requested.hosts !== undefined) result.hosts = intersectHosts(usableHosts(requested.hosts), usableHosts(granted.hosts));
  const memoryMb = minLimit(usableLimit(requested.memoryMb), usableLimit(granted.memoryMb));
  if (memoryMb !== undefined) result.memoryMb = memoryMb;
  const timeoutMs = minLimit(usableLimit(requested.timeoutMs), usableLimit(granted.timeoutMs));
  if (timeoutMs !== undefined) result.timeoutMs = timeoutMs;
  return result;
}

/** What several roles grant together: every root and host any of them grants, the largest limits. */
export function unionCapabilities(grants: readonly Capabilities[]): Capabilities {
  const result: Capabilities = {};
  const roots = grants.flatMap((g) => usableRoots(g.fsRoots));
  if (roots.length > 0) result.fsRoots = dedupeRoots(roots.map(normalizeRoot));
  const hosts = grants.flatMap((g) => usableHosts(g.hosts));
  if (hosts.length > 0) result.hosts = dedupeHosts(hosts.map(parseHostPattern).filter(isPattern));
  // A role without a limit sets no ceiling, so it lifts the ceiling for the union too.
  const memoryLimits = grants.map((g) => usableLimit(g.memoryMb));
  if (grants.length > 0 && memoryLimits.every(isNumber)) result.memoryMb = Math.max(...memoryLimits);
  const timeLimits = grants.map((g) => usableLimit(g.timeoutMs));
  if (grants.length > 0 && timeLimits.every(isNumber)) result.timeoutMs = Math.max(...timeLimits);
  return result;
}

/** Absolute roots only: a relative path cannot be placed against a grant, and a malformed list or entry reaches nothing. */
function usableRoots(roots: unknown): FsRootCapability[] {
  if (!Array.isArray(roots)) return [];
  return roots.filter(
    (r): r is FsRootCapability =>
      typeof r === 'object' && r !== null && typeof (r as { path?: unknown }).path === 'string' && isAbsolutePath((r as FsRootCapability).path),
  );
}

function usableHosts(hosts: unknown): string[] {
  return Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
}

function usableLimit(limit: unknown): number | undefined {
  return typeof limit === 'number' && limit > 0 ? limit : undefined;
}

function isNumber(value: number | undefined): value is number {
  return value !== undefined;
}

function minLimit(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** A root as the intersection sees it: `guest` dropped, `write` explicit. */
type PlainRoot = { path: string; write: boolean };

function normalizeRoot(root: FsRootCapability): PlainRoot {
  return { path: normalizePath(root.path), write: root.write === true };
}

function intersectRoots(requested: readonly FsRootCapability[], granted: readonly FsRootCapability[]): FsRootCapability[] {
  const out: PlainRoot[] = [];
  const wants = requested.map(normalizeRoot);
  const haves = granted.map(normalizeRoot);
  for (const want of wants) {
    for (const have of haves) {
      const write = want.write && have.write;
      if (pathInside(want.path, have.path)) out.push({ path: want.path, write });
      else if (pathInside(have.path, want.path)) out.push({ path: have.path, write });
    }
  }
  return dedupeRoots(out);
}

/** Drops roots already covered by another root with at least the same access. */
function dedupeRoots(roots: readonly PlainRoot[]): PlainRoot[] {
  const kept: PlainRoot[] = [];
  roots.forEach((root, i) => {
    const covered = roots.some(
      (other, j) =>
        j !== i &&
        pathInside(root.path, other.path) &&
        (other.write || !root.write) &&
        // Of two identical entries keep the first.
        (other.path !== root.path || other.write !== root.write || j < i),
    );
    if (!covered) kept.push(root);
  });
  return kept;
}

function isPattern(p: HostPattern | string): p is HostPattern {
  return typeof p !== 'string';
}

function intersectHosts(requested: readonly string[], granted: readonly string[]): string[] {
  const wants = requested.map(parseHostPattern).filter(isPattern);
  const haves = granted.map(parseHostPattern).filter(isPattern);
  const out: HostPattern[] = [];
  for (const want of wants) {
    for (const have of haves) {
      const both = intersectHost(want, have);
      if (both) out.push(both);
    }
  }
  return dedupeHosts(out);
}

function intersectHost(a: HostPattern, b: HostPattern): HostPattern | undefined {
  if (a.port !== undefined && b.port !== undefined && a.port !== b.port) return undefined;
  const port = a.port ?? b.port;
  let host: string;
  if (hostNameCovered(b.host, a.host)) host = a.host;
  else if (hostNameCovered(a.host, b.host)) host = b.host;
  else return undefined;
  return port === undefined ? { host } : { host, port };
}

function coversHost(outer: HostPattern, inner: HostPattern): boolean {
  return (outer.port === undefined || outer.port === inner.port) && hostNameCovered(outer.host, inner.host);
}

function dedupeHosts(patterns: readonly HostPattern[]): string[] {
  const kept = patterns.filter((p, i) => !patterns.some((other, j) => j !== i && coversHost(other, p) && (!coversHost(p, other) || j < i)));
  return kept.map(formatHostPattern);
}
