import { hostAllowed } from '../../../auth/host-pattern.js';
import { AgentboxError } from '../../../errors/agentbox-error.js';

/**
 * Refuses a URL `http_fetch` may not fetch: a scheme other than http(s), credentials in
 * the URL, or a host:port no pattern allows. Called for the first URL and again for every
 * redirect hop.
 *
 * The check is on the URL's host name, not on the address it resolves to: DNS rebinding
 * (a granted name that resolves to an internal address) is out of scope for now; pinning
 * the resolved address per call would close it.
 */
export function checkFetchUrl(url: URL, hosts: readonly string[]): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AgentboxError('TOOL_HOST_DENIED', `host denied: only http and https URLs may be fetched, not ${url.protocol}`, {
      details: { url: url.href },
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new AgentboxError('TOOL_ARGS_INVALID', 'credentials in the URL are not accepted; send an Authorization header instead');
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!hostAllowed(hosts, url.hostname, port)) {
    throw new AgentboxError('TOOL_HOST_DENIED', `host denied: ${url.host} is not among the granted hosts (${hosts.join(', ') || 'none'})`, {
      details: { url: url.href, host: url.hostname, port },
    });
  }
}
