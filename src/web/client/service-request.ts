import { AgentboxError, type ErrorCode } from '../../errors/agentbox-error.js';

export interface ServiceRequest {
  method: string;
  /** JSON-encoded when given (with its content type). */
  body?: unknown;
  accept: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * One request to the agentbox service: a JSON body, the accepted type, and the service's
 * error body turned back into the `AgentboxError` it was (code, message, details). An
 * unreachable service is UNAVAILABLE naming `where`; an aborted request CANCELLED.
 */
export async function sendServiceRequest(fetcher: typeof fetch, url: string, request: ServiceRequest, where: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetcher(url, {
      method: request.method,
      headers: { accept: request.accept, ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if (request.signal?.aborted) throw new AgentboxError('CANCELLED', 'the request was cancelled', { cause: error });
    throw new AgentboxError('UNAVAILABLE', `the agentbox service at ${where} cannot be reached`, { cause: error });
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

export function errorFromBody(body: unknown, fallback: string): AgentboxError {
  const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
  return new AgentboxError((error?.code ?? 'UNAVAILABLE') as ErrorCode, error?.message ?? fallback, error?.details ? { details: error.details } : {});
}

async function errorFromResponse(response: Response): Promise<AgentboxError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  return errorFromBody(body, `the service answered ${response.status} ${response.statusText}`);
}
