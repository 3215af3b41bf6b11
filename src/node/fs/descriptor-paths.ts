import * as fs from 'node:fs';
import { identityOf, sameFile } from './file-identity.js';

let works: boolean | undefined;

/**
 * Whether `/proc/self/fd/<dirfd>/<name>` names `name` inside the directory open as
 * `dirfd`. On Linux the kernel jumps to the descriptor's directory at `/proc/self/fd/N`
 * (a "magic link", followed even under O_NOFOLLOW, which only applies to the last
 * component) and looks the rest up from there: `openat(2)`, which Node does not expose.
 * Checked once per thread against a real descriptor, since /proc may be absent or hidden
 * (other systems, some containers).
 */
export function descriptorPathsWork(dirFd: number): boolean {
  if (works === undefined) {
    try {
      works =
        process.platform === 'linux' &&
        sameFile(identityOf(fs.statSync(`/proc/self/fd/${dirFd}`, { bigint: true })), identityOf(fs.fstatSync(dirFd, { bigint: true })));
    } catch {
      works = false;
    }
  }
  return works;
}

/** Test hook: forget the probe, or force the fallback, to exercise both paths. */
export function setDescriptorPathsForTesting(value: boolean | undefined): void {
  works = value;
}
