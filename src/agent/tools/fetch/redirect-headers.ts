/**
 * Request headers that may follow a redirect to another origin. Everything else —
 * `Authorization`, `Cookie`, `X-Api-Key`, any custom token header — was meant for the
 * first server only. A deny list of credential names cannot know every vendor's header,
 * so this is an allow list: the CORS-safelisted request headers plus `user-agent`.
 */
const crossOriginSafe = new Set(['accept', 'accept-language', 'content-language', 'content-type', 'user-agent', 'cache-control', 'pragma']);

/** The headers to send to the next hop; `crossOrigin` when the redirect leaves the origin. */
export function headersForRedirect(headers: Record<string, string>, options: { crossOrigin: boolean; bodyDropped: boolean }): Record<string, string> {
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (options.crossOrigin && !crossOriginSafe.has(lower)) continue;
    if (options.bodyDropped && lower.startsWith('content-')) continue;
    next[name] = value;
  }
  return next;
}
