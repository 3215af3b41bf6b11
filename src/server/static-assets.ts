/** A file of the web page. */
export interface StaticAsset {
  body: Uint8Array<ArrayBuffer> | string;
  contentType: string;
}

/**
 * Where the web page's files come from — the platform hands the app a reader (Node: the
 * `web/` and `dist-web/` folders), as Hono's serve-static takes `getContent` from its caller.
 * Paths are relative (`index.html`, `assets/app.js`) and never contain `..`.
 */
export interface StaticAssets {
  get(path: string): Promise<StaticAsset | undefined>;
}

/** Shown at `/` when the page has not been built. */
export const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agentbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>agentbox</h1>
<p>The web page is not built. The API is running: see <a href="/openapi.json">/openapi.json</a>.</p>
</main></body></html>
`;

const types: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  wasm: 'application/wasm',
  txt: 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return types[ext] ?? 'application/octet-stream';
}

/** A safe relative asset path, or undefined for anything that could climb out. */
export function safeAssetPath(path: string): string | undefined {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) return undefined;
  return parts.join('/');
}
