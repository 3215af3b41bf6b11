/**
 * The hard links a WASI guest made inside one grant, remembered across runs so that the
 * Node adapter can tell them from links someone else made.
 *
 * Why: the adapter refuses a file with more than one name, since a name inside the grant
 * may share its data with a name outside it (a link planted by the host, a package
 * store's hard links) and no path can tell where the other names are. A link the guest
 * made is different: the adapter made it itself, between two names inside the grant, of a
 * file the guest was already allowed to open (one name, or a link of its own). So the
 * adapter records that file here and accepts it later; every other multiply linked file
 * stays refused.
 *
 * A file is recorded by device, inode AND birth time (`statx` btime, in ns). Device and
 * inode alone are not enough: once every name of a recorded file is gone its inode number
 * is free, and a new file outside the grant may get it and be linked in; its birth time is
 * the moment it was created, which no `utimes` can set, so it does not match. Where the
 * file system keeps no birth time (Node reports 0), nothing is recorded and links are
 * refused with EPERM, as before.
 *
 * One file per grant, named for the grant root's device, inode and birth time (a root
 * deleted and recreated is another grant), in agentbox's data directory, which must not
 * lie inside the grant (a guest that could write the registry could vouch for any file).
 * Lines are appended (O_APPEND, one write each), so workers and processes sharing a grant
 * do not lose each other's entries; a lookup that misses rereads the file if it grew.
 */
import * as fs from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

type Identity = Pick<fs.BigIntStats, 'dev' | 'ino' | 'birthtimeNs'>;

/** `$AGENTBOX_HOME/wasi-links`, or `~/.agentbox/wasi-links`. */
export function defaultLinkRegistryDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.AGENTBOX_HOME ?? path.join(homedir(), '.agentbox'), 'wasi-links');
}

function keyOf(stat: Identity): string | undefined {
  return stat.birthtimeNs === 0n ? undefined : `${stat.dev} ${stat.ino} ${stat.birthtimeNs}`;
}

export class HardLinkRegistry {
  private where: { file: string | undefined } | undefined;
  private known = new Set<string>();
  private loadedBytes = -1;

  /**
   * `dir` is where registries live; `root` the grant's real path and `rootStat` its
   * bigint stat. A registry that would lie inside the grant, or a root without a birth
   * time, records nothing (links are refused). Nothing is looked at until a link is made or
   * a multiply linked file met, so a run that makes none pays nothing.
   */
  constructor(
    private readonly dir: string,
    private readonly root: string,
    private readonly rootStat: Identity,
  ) {}

  private get file(): string | undefined {
    if (this.where === undefined) {
      const rootKey = keyOf(this.rootStat);
      const resolvedDir = path.resolve(this.dir);
      const inside = (p: string): boolean => p === this.root || p.startsWith(this.root + path.sep);
      const refused = rootKey === undefined || inside(resolvedDir) || inside(realOrSelf(resolvedDir));
      this.where = { file: refused ? undefined : path.join(resolvedDir, `${rootKey.replaceAll(' ', '-')}.links`) };
    }
    return this.where.file;
  }

  /** Whether links can be recorded at all. */
  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** Whether any link was recorded for this grant (if none, no multiply linked file in it is the guest's). */
  hasAny(): boolean {
    this.load();
    return this.known.size > 0;
  }

  has(stat: Identity): boolean {
    const key = keyOf(stat);
    if (key === undefined || this.file === undefined) return false;
    if (this.known.has(key)) return true;
    this.load();
    return this.known.has(key);
  }

  /** Records `stat`'s file; false when it cannot be (no birth time, registry disabled). */
  add(stat: Identity): boolean {
    const key = keyOf(stat);
    const file = this.file;
    if (key === undefined || file === undefined) return false;
    if (this.has(stat)) return true;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(file, `${key}\n`, { mode: 0o600 });
    this.known.add(key);
    return true;
  }

  /** Rereads the file if it changed size since it was last read (another worker added to it). */
  private load(): void {
    const file = this.file;
    if (file === undefined) return;
    let text: string;
    try {
      const size = fs.statSync(file).size;
      if (size === this.loadedBytes) return;
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    this.loadedBytes = Buffer.byteLength(text);
    // A torn last line (a writer caught mid-append) is left for the next read.
    for (const line of text.split('\n').slice(0, -1)) if (line !== '') this.known.add(line);
  }
}

function realOrSelf(p: string): string {
  for (let at = p; ; at = path.dirname(at)) {
    try {
      return path.join(fs.realpathSync(at), path.relative(at, p));
    } catch {
      if (path.dirname(at) === at) return p;
    }
  }
}
