/**
 * Capabilities: what a tool may reach (file roots, hosts) and how much it may use (memory,
 * time). A tool's manifest requests them; the caller's roles grant them; the tool runs
 * with the intersection, computed here as pure data so every sandbox enforces the same
 * answer.
 *
 * Kinds differ in what "absent" means:
 * - lists (`fsRoots`, `hosts`): absent or empty grants nothing of that kind;
 * - limits (`memoryMb`, `timeoutMs`): absent sets no ceiling from that side, so the other
 *   side's value (or the executor's default) applies.
 */
import { formatHostPattern, hostNameCovered, parseHostPattern, type HostPattern } from './host-pattern.js';
import { isAbsolutePath, normalizePath, pathInside } from './capability-path.js';

export interface FsRootCapability {
  /** Absolute path. `/` grants every absolute path (including Windows drive paths). */
  path: string;
  /** Writing (and creating) files under the root; default false. */
  write?: boolean;
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
  if (requested.fsRoots !== undefined) result.fsRoots = intersectRoots(requested.fsRoots, granted.fsRoots ?? []);
  if (requested.hosts !== undefined) result.hosts = intersectHosts(requested.hosts, granted.hosts ?? []);
  const memoryMb = minLimit(requested.memoryMb, granted.memoryMb);
  if (memoryMb !== undefined) result.memoryMb = memoryMb;
  const timeoutMs = minLimit(requested.timeoutMs, granted.timeoutMs);
  if (timeoutMs !== undefined) result.timeoutMs = timeoutMs;
  return result;
}

/** What several roles grant together: every root and host any of them grants, the largest limits. */
export function unionCapabilities(grants: readonly Capabilities[]): Capabilities {
  const result: Capabilities = {};
  const roots = grants.flatMap((g) => g.fsRoots ?? []);
  if (roots.length > 0) result.fsRoots = dedupeRoots(roots.filter((r) => isAbsolutePath(r.path)).map(normalizeRoot));
  const hosts = grants.flatMap((g) => g.hosts ?? []);
  if (hosts.length > 0) result.hosts = dedupeHosts(hosts.map(parseHostPattern).filter(isPattern));
  // A role without a limit sets no ceiling, so it lifts the ceiling for the union too.
  if (grants.length > 0 && grants.every((g) => g.memoryMb !== undefined)) {
    result.memoryMb = Math.max(...grants.map((g) => g.memoryMb as number));
  }
  if (grants.length > 0 && grants.every((g) => g.timeoutMs !== undefined)) {
    result.timeoutMs = Math.max(...grants.map((g) => g.timeoutMs as number));
  }
  return result;
}

function minLimit(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function normalizeRoot(root: FsRootCapability): Required<FsRootCapability> {
  return { path: normalizePath(root.path), write: root.write === true };
}

function intersectRoots(requested: readonly FsRootCapability[], granted: readonly FsRootCapability[]): FsRootCapability[] {
  const out: Required<FsRootCapability>[] = [];
  // Relative paths cannot be placed against a grant, so they get nothing.
  const wants = requested.filter((r) => isAbsolutePath(r.path)).map(normalizeRoot);
  const haves = granted.filter((g) => isAbsolutePath(g.path)).map(normalizeRoot);
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
function dedupeRoots(roots: readonly Required<FsRootCapability>[]): Required<FsRootCapability>[] {
  const kept: Required<FsRootCapability>[] = [];
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
  const kept = patterns.filter(
    (p, i) =>
      !patterns.some((other, j) => j !== i && coversHost(other, p) && (!coversHost(p, other) || j < i)),
  );
  return kept.map(formatHostPattern);
}
