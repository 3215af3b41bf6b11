import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentboxError } from '../../errors/agentbox-error.js';

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback`. */
  redirectUrl: string;
  /** The authorization code of the first redirect that carries `state`; rejects on a wrong state, an error or the deadline. */
  code: Promise<string>;
  close(): Promise<void>;
}

const page = (title: string) => `<!doctype html><meta charset="utf-8"><title>agentbox</title><p>${title}</p><p>You can close this tab.</p>`;

/**
 * Receives the OAuth redirect of a login on 127.0.0.1 at a port the system picks (RFC 8252's
 * loopback redirect: no fixed port to collide with, nothing listening beyond this machine).
 * Only `GET /callback` is answered; a redirect whose `state` is not the one sent is refused
 * and ends the login, since it did not come from the authorization this process started.
 */
export async function startLoopbackRedirect(options: { state: string; timeoutMs: number }): Promise<LoopbackRedirect> {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may fail before awaiting it (a refused registration): no unhandled rejection.
  code.catch(() => undefined);
  const answer = (response: ServerResponse, status: number, text: string) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(text));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== '/callback') return answer(response, 404, 'Not found.');
    const params = url.searchParams;
    if (params.get('state') !== options.state) {
      answer(response, 400, 'This sign-in did not come from agentbox (the state does not match). Nothing was saved.');
      return settle?.reject(new AgentboxError('INVALID_INPUT', 'the redirect carried a state that this login did not send: login refused, nothing saved'));
    }
    const error = params.get('error');
    if (error) {
      answer(response, 400, 'The authorization server refused the sign-in. Nothing was saved.');
      const description = params.get('error_description');
      return settle?.reject(new AgentboxError('INVALID_INPUT', `the authorization server refused: ${error}${description ? ` (${description})` : ''}`));
    }
    const received = params.get('code');
    if (!received) return answer(response, 400, 'The redirect carried no authorization code.');
    answer(response, 200, 'agentbox is signed in.');
    settle?.resolve(received);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timer = setTimeout(
    () => settle?.reject(new AgentboxError('CANCELLED', `no redirect came back within ${Math.round(options.timeoutMs / 1000)} s: login abandoned`)),
    options.timeoutMs,
  );
  return {
    redirectUrl: `http://127.0.0.1:${port}/callback`,
    code,
    close: async () => {
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
