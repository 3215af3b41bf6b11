import type { RunningServer, StartServerOptions } from './start-server.js';

/**
 * `startServer`, with the HTTP stack (Hono, the Node adapter, Prometheus metrics) loaded on
 * the first call: importing `agentbox/node` to run an agent does not pay for a server.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { startServer: start } = await import('./start-server.js');
  return start(options);
}
