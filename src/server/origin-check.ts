/**
 * Local mode's cross-site request forgery defence. With no API keys every request is the
 * admin `local`, so a page on any site could drive the service through the visitor's
 * browser (a form post, or a `fetch` that needs no preflight). Browsers name the page that
 * made a request in `Origin` (on every cross-origin request and every same-origin POST), so
 * a request with an `Origin` is let in only from the service's own origin — the web page it
 * serves at `/` — or from a configured `server.corsOrigins` entry. Requests without one
 * (curl, SDKs, a navigation to the page) are not from another site's script.
 *
 * `host` is the request's already-allowed `Host`: the service's own origin is that
 * authority, over http or https (a TLS proxy in front keeps `Host`).
 */
export function createOriginCheck(corsOrigins: readonly string[] | undefined): (origin: string | undefined, host: string) => boolean {
  const configured = new Set(corsOrigins ?? []);
  return (origin, host) => {
    if (origin === undefined) return true;
    if (configured.has(origin)) return true;
    const lower = origin.toLowerCase();
    const authority = host.toLowerCase();
    return lower === `http://${authority}` || lower === `https://${authority}`;
  };
}
