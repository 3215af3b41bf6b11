import type { BigIntStats } from 'node:fs';

/** Which file an open descriptor or a path is: device and inode, exact (bigint). */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

export function identityOf(stat: Pick<BigIntStats, 'dev' | 'ino'>): FileIdentity {
  return { dev: stat.dev, ino: stat.ino };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}
