import type { EventBus } from '../../engine/event-bus.js';
import type { AgentEvent } from '../../engine/events.js';
import type { Logger } from './logger.js';

/**
 * Logs the runtime's events as structured lines: failures at warn, lifecycle at info,
 * every stored event at debug. Text deltas are never logged (too many, and they are content).
 * The subscription drops its oldest events rather than slow the agent down.
 */
export function logEvents(bus: EventBus, logger: Logger): () => void {
  if (!logger.isLevelEnabled('info')) return () => undefined;
  const subscription = bus.subscribe({ capacity: 1000, overflow: 'drop-oldest' });
  void (async () => {
    for await (const event of subscription) log(logger, event);
  })();
  return () => subscription.close();
}

function log(logger: Logger, event: AgentEvent): void {
  if (event.seq === 0) return;
  const base = { sessionId: event.sessionId, seq: event.seq, event: event.type };
  switch (event.type) {
    case 'llm.failed':
    case 'turn.failed':
      logger.warn({ ...base, error: event.error }, event.type);
      break;
    case 'llm.retry':
      logger.warn({ ...base, attempt: event.attempt, delayMs: event.delayMs, error: event.error }, 'retrying the LLM request');
      break;
    case 'auth.denied':
      logger.warn({ ...base, principal: event.principal, permission: event.permission, rule: event.rule }, 'permission denied');
      break;
    case 'llm.completed':
      logger.info(
        {
          ...base,
          model: event.model,
          finishReason: event.finishReason,
          usage: event.usage,
          durationMs: Math.round(event.durationMs),
          toolCalls: event.toolCalls.length,
        },
        'llm call',
      );
      break;
    case 'mcp.sampled':
      // Not the text: it is content, like the deltas.
      if (event.error) logger.warn({ ...base, server: event.server, callId: event.callId, error: event.error }, 'MCP sampling refused');
      else
        logger.info(
          { ...base, server: event.server, callId: event.callId, model: event.model, usage: event.usage, stopReason: event.stopReason },
          'MCP sampling',
        );
      break;
    case 'tool.completed':
      logger.info({ ...base, tool: event.name, ok: event.ok, durationMs: Math.round(event.durationMs), error: event.error?.code }, 'tool call');
      break;
    case 'turn.completed':
      logger.info({ ...base, usage: event.usage, durationMs: Math.round(event.durationMs) }, 'turn completed');
      break;
    case 'output.invalid':
      logger.warn({ ...base, issues: event.issues, retry: event.feedback !== undefined }, 'structured answer does not match its schema');
      break;
    default:
      logger.debug(base, event.type);
  }
}
