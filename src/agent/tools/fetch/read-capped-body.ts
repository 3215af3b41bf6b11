import { AgentboxError } from '../../../errors/agentbox-error.js';

export interface ReadCappedBodyOptions {
  maxBytes: number;
  /** For messages. */
  url: string;
  caller: string;
}

/**
 * Reads a response body but stops — and cancels the stream, so the server stops sending —
 * as soon as it passes `maxBytes`. Counts decoded bytes, so a compressed bomb is capped
 * by what it expands to.
 */
export async function readCappedBody(response: Response, options: ReadCappedBodyOptions): Promise<Uint8Array> {
  const { maxBytes } = options;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(options, `declares ${declared} bytes`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(options, `is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(options: ReadCappedBodyOptions, what: string): AgentboxError {
  return new AgentboxError(
    'TOOL_RESPONSE_TOO_LARGE',
    `${options.caller}: the response body from ${options.url} ${what}; at most ${options.maxBytes} are read`,
    { details: { url: options.url, maxBytes: options.maxBytes } },
  );
}
