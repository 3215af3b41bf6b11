import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';

export interface SymlinkSwapper {
  /** Whether the racer is still swapping. */
  running(): boolean;
  /** Stops the racer and puts the real directory back at `dir`. */
  stop(): Promise<void>;
}

/**
 * Races a path lookup from a second process: for `ms` milliseconds it swaps `dir` between
 * the real directory and a symlink to `target` (rename away, symlink in, unlink, rename
 * back), as an attacker with write access inside a root would. `holdMs` keeps each state
 * (real directory, symlink) that long, to land more swaps between a check and a use.
 * It stops by itself.
 */
export function startSymlinkSwapper(options: { dir: string; target: string; ms: number; holdMs?: number }): SymlinkSwapper {
  const parked = `${options.dir}.parked`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `const fs = require('fs');
     const [dir, parked, target, ms, holdMs] = process.argv.slice(1);
     const hold = () => { for (const until = performance.now() + Number(holdMs); performance.now() < until; ); };
     for (const end = Date.now() + Number(ms); Date.now() < end; ) {
       hold();
       try { fs.renameSync(dir, parked); } catch { continue; }
       try { fs.symlinkSync(target, dir); hold(); fs.unlinkSync(dir); } catch {}
       try { fs.renameSync(parked, dir); } catch {
         // The victim created a directory of its own at dir while the real one was parked.
         try { fs.rmSync(dir, { recursive: true, force: true }); fs.renameSync(parked, dir); } catch {}
       }
     }`,
      options.dir,
      parked,
      options.target,
      String(options.ms),
      String(options.holdMs ?? 0),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      child.kill();
      await exited;
      restore(options.dir, parked);
    },
  };
}

function restore(dir: string, parked: string): void {
  const kind = (p: string): 'dir' | 'link' | 'none' => {
    try {
      return lstatSync(p).isSymbolicLink() ? 'link' : 'dir';
    } catch {
      return 'none';
    }
  };
  if (kind(dir) === 'link') unlinkSync(dir);
  if (kind(parked) === 'dir') {
    // A tool may have created an empty `dir` while the real one was parked.
    if (kind(dir) === 'dir' && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
    if (kind(dir) === 'none') renameSync(parked, dir);
  }
}

/** Every path below `dir`, relative, sorted: what an escape would have added to. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      out.push(path.relative(dir, full));
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}
