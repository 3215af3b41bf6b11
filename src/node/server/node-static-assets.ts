import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { contentTypeFor, safeAssetPath, type StaticAsset, type StaticAssets } from '../../server/static-assets.js';

/**
 * The web page's files from disk: `index.html` from `<root>/web/`, `assets/<file>` from
 * `<root>/web/assets/`, then from the browser bundle in `<root>/dist-web/` (and its
 * `assets/`). Nothing outside those folders is ever read.
 */
export function createNodeStaticAssets(root: string): StaticAssets {
  const web = resolve(root, 'web');
  const distWeb = resolve(root, 'dist-web');
  const candidates = (path: string): Array<[string, string]> => {
    if (path === 'index.html') return [[web, 'index.html']];
    const rest = path.slice('assets/'.length);
    return [
      [join(web, 'assets'), rest],
      [distWeb, rest],
      [join(distWeb, 'assets'), rest],
    ];
  };
  return {
    async get(path) {
      const safe = safeAssetPath(path);
      if (!safe || (safe !== 'index.html' && !safe.startsWith('assets/'))) return undefined;
      for (const [base, rest] of candidates(safe)) {
        const asset = await readInside(base, rest);
        if (asset) return asset;
      }
      return undefined;
    },
  };
}

async function readInside(base: string, rest: string): Promise<StaticAsset | undefined> {
  const file = resolve(base, rest);
  if (!file.startsWith(base + sep)) return undefined;
  try {
    if (!(await stat(file)).isFile()) return undefined;
    const bytes = await readFile(file);
    return { body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array<ArrayBuffer>, contentType: contentTypeFor(file) };
  } catch {
    return undefined;
  }
}
