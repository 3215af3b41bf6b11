/**
 * The `Host` values the service answers to. Why: a page on `evil.example` whose DNS name
 * is re-pointed at 127.0.0.1 (DNS rebinding) is same-origin with the service, so the
 * browser lets it read every answer; its requests still say `Host: evil.example`. Checking
 * `Host` against names that cannot be rebound closes that.
 *
 * Allowed: the loopback names `localhost`, `127.0.0.1` and `[::1]`, and the bind host when
 * it is a specific name or address (not `0.0.0.0` / `::`), each with the service's port
 * (any port when the app does not know it, e.g. served in-process); plus `server.allowedHosts`
 * entries — `name` for any port, `name:port` for that port only. Names compare
 * case-insensitively.
 */
export interface HostAllowListOptions {
  /** `server.allowedHosts`. */
  allowedHosts: readonly string[];
  /** `server.host`: the address the service binds. */
  bindHost?: string | undefined;
  /** The port the service listens on, once known (port 0 is chosen at listen time). */
  port?: (() => number | undefined) | undefined;
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];
const wildcardBinds = new Set(['0.0.0.0', '::', '[::]']);

/** Returns the check for one service: `allowed(host)` with the raw `Host` header value. */
export function createHostAllowList(options: HostAllowListOptions): (host: string | undefined) => boolean {
  const own = [...loopbackNames];
  const bind = options.bindHost === undefined ? undefined : bracketed(options.bindHost.toLowerCase());
  if (bind !== undefined && !wildcardBinds.has(bind) && !own.includes(bind)) own.push(bind);
  const anyPort = new Set<string>();
  const exact = new Set<string>();
  for (const entry of options.allowedHosts) {
    const value = entry.toLowerCase();
    if (splitHost(value).port === undefined) anyPort.add(value);
    else exact.add(value);
  }
  // The accepted `Host` strings for one port, rebuilt only when the port changes (once).
  let cachedPort: number | undefined | null = null;
  let accepted = new Set<string>();
  const acceptedFor = (port: number | undefined): Set<string> => {
    if (port !== cachedPort) {
      cachedPort = port;
      accepted = new Set(exact);
      for (const name of own) {
        if (port !== undefined) accepted.add(`${name}:${port}`);
        // A browser leaves the default port out of `Host`.
        if (port === 80) accepted.add(name);
      }
    }
    return accepted;
  };
  return (host) => {
    if (host === undefined || host === '') return false;
    const value = host.toLowerCase();
    const port = options.port?.();
    if (acceptedFor(port).has(value)) return true;
    const { name } = splitHost(value);
    if (anyPort.has(name)) return true;
    return port === undefined && own.includes(name);
  };
}

/** `name[:port]` split; an IPv6 literal keeps its brackets (`[::1]:80` → `[::1]`, 80). */
export function splitHost(host: string): { name: string; port: number | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return { name: host, port: undefined };
  return { name: match[1] as string, port: match[2] === undefined ? undefined : Number(match[2]) };
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
