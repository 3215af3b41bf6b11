/**
 * The script format of the loopback LLM server: plain objects, one per HTTP answer.
 *
 * @example
 * server.enqueue(
 *   { type: 'tool-calls', calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
 *   { type: 'text', text: 'The file says hello.', chunks: 4 },
 *   { type: 'error', status: 429, headers: { 'retry-after': '2' } },
 * );
 */

/** Token counts to report; a missing field is estimated (characters / 4). */
export interface ScriptedUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  /** Sent as `prompt_tokens_details.cached_tokens` (omitted when absent). */
  cachedTokens?: number;
}

export interface ScriptedToolCall {
  /** Default `call_<turn>_<index>`. */
  id?: string;
  name: string;
  /** JSON text sent as-is (may be invalid on purpose), or an object to JSON-encode. */
  arguments: string | Record<string, unknown>;
}

interface Timing {
  /** Wait this long before sending the status line (for timeout and abort tests). */
  delayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

interface Streamed extends Timing {
  /** Pieces the text (and each call's arguments) is split into, at arbitrary points. Default 3. */
  chunks?: number;
  /** Pause between two SSE events. */
  chunkDelayMs?: number;
  /** `false`: no usage chunk even if the client asked for one. */
  usage?: ScriptedUsage | false;
  /** Wire `finish_reason`; default `stop`, or `tool_calls` when there are calls. */
  finishReason?: string;
  /** Leave out the final `data: [DONE]` (a valid variant some servers use). */
  omitDone?: boolean;
}

export type ScriptedResponse =
  /** A streamed text answer (answered as one JSON object if the request had `stream: false`). */
  | ({ type: 'text'; text: string } & Streamed)
  /** A streamed answer with one or several parallel tool calls, optionally after some text. */
  | ({
      type: 'tool-calls';
      calls: ScriptedToolCall[];
      text?: string;
      /** Send the calls' fragments round-robin instead of one call after another. */
      interleave?: boolean;
    } & Streamed)
  /** A non-streamed ChatCompletion object, whatever the request asked for. */
  | ({
      type: 'json';
      text?: string;
      calls?: ScriptedToolCall[];
      finishReason?: string;
      usage?: ScriptedUsage | false;
    } & Timing)
  /** An HTTP error. `body` defaults to OpenAI's `{error:{message}}` shape with `message`. */
  | ({ type: 'error'; status: number; message?: string; body?: string | Record<string, unknown> } & Timing)
  /** A stream that streams `text` (if any), then sends `line` (default: a non-JSON data line) and ends. */
  | ({ type: 'malformed'; text?: string; line?: string } & Timing)
  /**
   * A stream cut short after `after` of its `chunks` text pieces (default: half).
   * `mode: 'destroy'` (default) kills the socket; `'end'` ends the response cleanly
   * without a finish_reason or `[DONE]`.
   */
  | ({ type: 'cut'; text: string; chunks?: number; after?: number; mode?: 'destroy' | 'end' } & Timing)
  /** Anything else, byte for byte (e.g. a recorded wire capture); an array is written piece by piece. */
  | ({ type: 'raw'; status?: number; body: string | string[]; chunkDelayMs?: number } & Timing);

/** A request body as the server parsed it. */
export interface RecordedRequestBody {
  model?: string;
  messages?: Array<Record<string, unknown>>;
  tools?: Array<Record<string, unknown>>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface RecordedRequest {
  /** 0-based arrival order among chat completion requests. */
  index: number;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body (`{}` when it was not JSON; see `rawBody`). */
  body: RecordedRequestBody;
  rawBody: string;
}

/** Computes the answer from the request: for echo servers and benchmarks. */
export type ScriptedResponder = (request: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

/** A queue entry: a fixed answer or a function of the request. */
export type ScriptedEntry = ScriptedResponse | ScriptedResponder;
