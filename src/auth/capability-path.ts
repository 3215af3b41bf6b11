/**
 * Lexical path handling for capability grants, portable (no `node:path`): the core runs in
 * browsers too. Only absolute paths take part; symlinks are the native tools' business,
 * which compare real paths on disk.
 */

const drive = /^[A-Za-z]:\//;

/** Absolute POSIX path (`/x`) or Windows drive path (`C:\x`, `C:/x`). */
export function isAbsolutePath(path: string): boolean {
  const slashed = path.replace(/\\/g, '/');
  return slashed.startsWith('/') || drive.test(slashed);
}

/**
 * Forward slashes, no `.`/`..`/empty segments, no trailing slash, lower-case drive letter.
 * `..` above the top stays at the top, as the OS does.
 */
export function normalizePath(path: string): string {
  let slashed = path.replace(/\\/g, '/');
  let prefix = '/';
  if (drive.test(slashed)) {
    prefix = `${slashed.slice(0, 2).toLowerCase()}/`;
    slashed = slashed.slice(3);
  }
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return prefix + parts.join('/');
}

/** Whether normalized `child` is `parent` or below it. `/` contains every absolute path. */
export function pathInside(child: string, parent: string): boolean {
  if (parent === '/') return true;
  const base = parent.endsWith('/') ? parent : `${parent}/`;
  return child === parent || child.startsWith(base);
}
