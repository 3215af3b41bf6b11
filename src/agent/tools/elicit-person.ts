import { AgentboxError } from '../../errors/agentbox-error.js';
import { formatIssues } from '../../errors/validation-issue.js';
import type { ElicitationAnswer, ElicitationRequest, ElicitationResult, ToolElicitation } from '../../engine/elicitation.js';
import type { EventPayload } from '../../engine/events.js';
import type { ToolCall } from '../../engine/messages.js';
import { checkElicitationAnswer, elicitationLimits } from './check-elicitation-answer.js';
import { checkElicitationSchema } from './check-elicitation-schema.js';
import { untilAborted } from '../until-aborted.js';

export interface ElicitPersonOptions {
  call: ToolCall;
  step: number;
  /** The turn's signal: its end ends the question (answered `cancel` by `system`). */
  signal: AbortSignal;
  emit: (payload: EventPayload) => void | Promise<void> | undefined;
  /** `signal` aborts when the question is withdrawn (answered, the turn ended, the server gave up): a front end drops it then. */
  requestInput: (request: ElicitationRequest, signal: AbortSignal) => Promise<ElicitationAnswer>;
  /** The call's deadline stops while the person thinks. */
  suspendDeadline: () => () => void;
}

/**
 * `ToolContext.elicit` for one call: checks the form, asks the front end, records the
 * question and the answer, and checks the answer against the form before the tool gets it.
 * A form MCP does not allow (or past `elicitationLimits`) is refused before anyone sees it.
 */
export function elicitPerson(options: ElicitPersonOptions): (asked: ToolElicitation) => Promise<ElicitationResult> {
  const { call, signal } = options;
  return async (asked) => {
    if (typeof asked.message !== 'string' || asked.message.length > elicitationLimits.messageChars) {
      throw new AgentboxError('INVALID_INPUT', `message: must be text of at most ${elicitationLimits.messageChars} characters`);
    }
    const checked = checkElicitationSchema(asked.requestedSchema);
    if (!checked.ok) {
      throw new AgentboxError('INVALID_INPUT', `the form is not one MCP allows: ${formatIssues(checked.issues, { limit: 5 })}`, {
        details: { issues: checked.issues },
      });
    }
    if (asked.url !== undefined && !isWebUrl(asked.url)) throw new AgentboxError('INVALID_INPUT', 'url: must be an http or https URL');
    if (signal.aborted) throw new AgentboxError('CANCELLED', 'the turn was cancelled');
    const request: ElicitationRequest = {
      id: crypto.randomUUID(),
      callId: call.id,
      name: call.name,
      ...(asked.server !== undefined ? { server: asked.server } : {}),
      message: asked.message,
      requestedSchema: checked.schema,
      ...(asked.url !== undefined ? { url: asked.url } : {}),
    };
    const resume = options.suspendDeadline();
    // Ends the question: the turn's end, the asker giving up (an MCP server cancelling its request), or the answer.
    const over = new AbortController();
    const end = (): void => over.abort();
    signal.addEventListener('abort', end, { once: true });
    asked.signal?.addEventListener('abort', end, { once: true });
    if (asked.signal?.aborted) end();
    const record = async (answer: ElicitationAnswer): Promise<void> => {
      const { action, content, by } = answer;
      const wait = options.emit({ type: 'elicitation.answered', callId: call.id, id: request.id, action, ...(content ? { content } : {}), by });
      if (wait) await wait;
    };
    try {
      // Asked first, so a front end waiting on the runtime is registered before anyone sees the event.
      const asking = options.requestInput(request, over.signal);
      const wait = options.emit({ type: 'elicitation.requested', step: options.step, ...request });
      if (wait) await wait;
      let answer: ElicitationAnswer;
      try {
        answer = await untilAborted(asking, over.signal, () => ({ action: 'cancel', by: 'system' }));
      } catch (error) {
        await record({ action: 'cancel', by: 'system' });
        throw error;
      }
      const issues = checkElicitationAnswer(request.requestedSchema, answer);
      if (issues.length > 0) {
        await record({ action: 'cancel', by: 'system' });
        throw new AgentboxError('INVALID_INPUT', `the answer does not match the form: ${formatIssues(issues, { limit: 5 })}`, { details: { issues } });
      }
      await record(answer);
      return { action: answer.action, ...(answer.action === 'accept' && answer.content ? { content: answer.content } : {}) };
    } finally {
      end();
      signal.removeEventListener('abort', end);
      asked.signal?.removeEventListener('abort', end);
      resume();
    }
  };
}

/** Only pages a person can open in a browser: no `javascript:`, `data:` or `file:` link reaches a front end. */
function isWebUrl(text: string): boolean {
  if (text.length > 4096 || !URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'https:' || protocol === 'http:';
}
