/**
 * Which URLs a granted host list lets a script reach. An entry is `host` (any port),
 * `host:port` (that port only) or `*.domain` (any subdomain, not the domain itself).
 * Matching is on the parsed URL, so userinfo tricks (`http://allowed@evil/`) and
 * case games cannot pass.
 */

export function isUrlAllowed(url: URL, hosts: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return hosts.some((entry) => matches(entry.trim().toLowerCase(), hostname, port));
}

function matches(entry: string, hostname: string, port: string): boolean {
  const { host, port: wantedPort } = splitEntry(entry);
  if (wantedPort !== undefined && wantedPort !== port) return false;
  if (host.startsWith('*.')) {
    const domain = host.slice(1);
    return hostname.endsWith(domain) && hostname.length > domain.length;
  }
  return host === hostname;
}

function splitEntry(entry: string): { host: string; port?: string } {
  // `[::1]:8080`, `[::1]`, `example.com:80`, `example.com`
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] as string, ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(entry.slice(colon + 1))) return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
  return { host: entry };
}
