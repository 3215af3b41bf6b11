import type { ApprovalDecision, ApprovalRequest } from '../agent/tools/tool-executor.js';
import type { AgentEvent } from '../engine/events.js';
import type { Session } from '../engine/session.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';
import type { ProcessRequest } from '../runtime/agent-runtime.js';
import type { PromptReference } from '../prompt/prompt-source.js';

export interface StreamingTurnOptions {
  runtime: BaseRuntime;
  /** The message; or `prompt`. */
  input?: string;
  prompt?: PromptReference;
  sessionId?: string;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  onApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
  /** Answers a tool's form (MCP elicitation); `false`: nobody can be asked. */
  onInput?: ProcessRequest['onInput'];
  /** Called with the session id as soon as it exists (before the model answers). */
  onSession?: (sessionId: string) => void;
}

/** Runs one turn while delivering its events, in order, to `onEvent`. */
export async function runStreamingTurn(options: StreamingTurnOptions): Promise<Session> {
  const { runtime } = options;
  // A prompt is rendered (and its input checked) before a session exists, so a bad input
  // leaves none behind: its new session is created by process(), and the stream is the
  // runtime's whole, which in one CLI command is this turn's.
  const sessionId = options.sessionId ?? (options.prompt ? undefined : (await runtime.createSession()).id);
  if (sessionId) options.onSession?.(sessionId);
  const events = runtime.stream(sessionId ? { sessionId } : {});
  const pump = (async () => {
    for await (const event of events) options.onEvent?.(event);
  })();
  try {
    return await runtime.process({
      ...(sessionId ? { sessionId } : {}),
      ...(options.prompt ? { prompt: options.prompt } : { input: options.input ?? '' }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onApproval ? { onApproval: options.onApproval } : {}),
      ...(options.onInput !== undefined ? { onInput: options.onInput } : {}),
    });
  } finally {
    events.close();
    await pump;
  }
}
