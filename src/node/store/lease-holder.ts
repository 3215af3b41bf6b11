import { hostname } from 'node:os';

/**
 * A lease holder id that says which process holds it: `host:pid:random`. A run's lease
 * lapses at its expiry, or at once when its holder is a process on this host that no
 * longer exists (a kill -9 does not wait out the lease).
 */
export function nodeLeaseHolder(): string {
  return `${hostname()}:${process.pid}:${crypto.randomUUID()}`;
}

/** True when `holder` names a process of this host that is gone. Unknown shapes: false. */
export function isLocalHolderGone(holder: string): boolean {
  const match = /^(.*):(\d+):[^:]+$/.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but is not ours.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
