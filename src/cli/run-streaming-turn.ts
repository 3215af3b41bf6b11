import type { ApprovalDecision, ApprovalRequest } from '../agent/tools/tool-executor.js';
import type { AgentEvent } from '../engine/events.js';
import type { Session } from '../engine/session.js';
import type { BaseRuntime } from '../runtime/base-runtime.js';

export interface StreamingTurnOptions {
  runtime: BaseRuntime;
  input: string;
  sessionId?: string;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  onApproval?: (requests: ApprovalRequest[]) => Promise<Map<string, ApprovalDecision>>;
  /** Called with the session id as soon as it exists (before the model answers). */
  onSession?: (sessionId: string) => void;
}

/** Runs one turn while delivering its events, in order, to `onEvent`. */
export async function runStreamingTurn(options: StreamingTurnOptions): Promise<Session> {
  const { runtime } = options;
  const sessionId = options.sessionId ?? (await runtime.createSession()).id;
  options.onSession?.(sessionId);
  const events = runtime.stream({ sessionId });
  const pump = (async () => {
    for await (const event of events) options.onEvent?.(event);
  })();
  try {
    return await runtime.process({
      sessionId,
      input: options.input,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onApproval ? { onApproval: options.onApproval } : {}),
    });
  } finally {
    events.close();
    await pump;
  }
}
