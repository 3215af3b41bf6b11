/**
 * Host patterns, as used in capability grants and by `http_fetch`:
 *
 * - `example.com` — that host, any port;
 * - `example.com:8080` — that host, that port only;
 * - `*.example.com` — any subdomain at any depth, but not `example.com` itself
 *   (list both when both are meant);
 * - `*` — every host;
 * - IPv6 literals in brackets: `[::1]`, `[::1]:8080`.
 *
 * Hosts compare case-insensitively and without a trailing dot. IP addresses compare in
 * their canonical form, as the URL parser writes them: `2130706433`, `0x7f.1` and
 * `127.0.0.1` are one host, `[0:0::1]` and `[::1]` another. A pattern with no port covers
 * every port: granting a host grants the host, as it does in a browser's allow list.
 */

export interface HostPattern {
  /** Lower-case host, `*` or `*.suffix`; IPv6 without brackets. */
  host: string;
  port?: number;
}

const labelPattern = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

/** Parses a host pattern; returns a reason string when it is malformed. */
export function parseHostPattern(text: string): HostPattern | string {
  let host: string;
  let portText: string | undefined;
  const lowered = text.trim().toLowerCase();
  if (/[/?#@\s]/.test(lowered)) return `"${text}": a host pattern is a host name (with an optional port), not a URL`;
  if (lowered.startsWith('[')) {
    const close = lowered.indexOf(']');
    if (close < 0) return `"${text}": unterminated "["`;
    host = lowered.slice(1, close);
    const after = lowered.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return `"${text}": unexpected text after "]"`;
    portText = after === '' ? undefined : after.slice(1);
    if (!/^[0-9a-f:.]+$/.test(host) || !host.includes(':')) return `"${text}": not an IPv6 address`;
    const canonical = canonicalHost(`[${host}]`);
    if (canonical === undefined) return `"${text}": not an IPv6 address`;
    host = canonical;
  } else {
    const parts = lowered.split(':');
    if (parts.length > 2) return `"${text}": IPv6 addresses go in brackets, e.g. "[::1]"`;
    host = (parts[0] ?? '').replace(/\.$/, '');
    portText = parts[1];
    const reason = checkHostName(host);
    if (reason) return `"${text}": ${reason}`;
    if (!host.startsWith('*')) host = canonicalHost(host) ?? host;
  }
  if (portText === undefined) return { host };
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port < 1 || port > 65535) return `"${text}": bad port "${portText}"`;
  return { host, port };
}

function checkHostName(host: string): string | undefined {
  if (host === '*') return undefined;
  if (host === '') return 'empty host';
  const labels = host.startsWith('*.') ? host.slice(2).split('.') : host.split('.');
  if (labels.some((l) => l.includes('*'))) return '"*" is allowed only as a whole pattern or as a leading "*."';
  if (labels.some((l) => !labelPattern.test(l))) return 'not a valid host name';
  return undefined;
}

/** The host as the URL parser writes it (numeric IPv4 forms expanded, IPv6 compressed), unbracketed. */
function canonicalHost(host: string): string | undefined {
  try {
    return normalizeHost(new URL(`http://${host}/`).hostname);
  } catch {
    return undefined;
  }
}

/** Normalizes a concrete host name as found in a parsed URL (`URL.hostname`). */
export function normalizeHost(hostname: string): string {
  const lowered = hostname.toLowerCase().replace(/\.$/, '');
  return lowered.startsWith('[') && lowered.endsWith(']') ? lowered.slice(1, -1) : lowered;
}

/** Whether a host name (of any depth) is covered by a host pattern's host part. */
export function hostNameCovered(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    if (host.startsWith('*.')) return host === pattern || host.endsWith(pattern.slice(1));
    return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  }
  return pattern === host;
}

/** Whether `pattern` allows connecting to `host` on `port`. */
export function hostPatternAllows(pattern: HostPattern, host: string, port: number): boolean {
  if (pattern.port !== undefined && pattern.port !== port) return false;
  return hostNameCovered(pattern.host, normalizeHost(host));
}

/** Whether any of `patterns` (strings; malformed ones never match) allows `host`:`port`. */
export function hostAllowed(patterns: readonly string[], host: string, port: number): boolean {
  return patterns.some((p) => {
    const parsed = parseHostPattern(p);
    return typeof parsed !== 'string' && hostPatternAllows(parsed, host, port);
  });
}

export function formatHostPattern(pattern: HostPattern): string {
  const host = pattern.host.includes(':') ? `[${pattern.host}]` : pattern.host;
  return pattern.port === undefined ? host : `${host}:${pattern.port}`;
}
