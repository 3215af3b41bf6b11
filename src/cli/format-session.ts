import type { AgentEvent } from '../engine/events.js';
import type { Usage } from '../engine/messages.js';
import type { LastRequest, Session, SessionSummary } from '../engine/session.js';

export type ExportFormat = 'json' | 'jsonl' | 'md';

const iso = (ms: number): string => new Date(ms).toISOString();

export function formatSessionList(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return 'no sessions yet — start one with: agentbox run "hello"\n';
  const rows = sessions.map((s) => `${s.id}  ${iso(s.updatedAt).slice(0, 19).replace('T', ' ')}  ${s.state.padEnd(17)}  ${s.title}`);
  return `${rows.join('\n')}\n`;
}

/** A readable transcript plus the event log, for `session show`. */
export function formatSessionText(session: Session, events: AgentEvent[]): string {
  const lines = [
    `session ${session.id}`,
    `owner ${session.owner} · state ${session.state} · ${session.turns} turn(s) · created ${iso(session.createdAt)}`,
    `usage ${session.usage.totalTokens} tokens (${tokensInOut(session.usage)}) · ${session.usage.llmCalls} LLM call(s) · ${session.usage.toolCalls} tool call(s)${costText(session.usage.cost)}`,
    ...(session.lastRequest ? [`last request ${describeRequest(session.lastRequest)}`] : []),
    '',
    `events (${events.length}):`,
  ];
  for (const e of events) lines.push(`  #${e.seq} ${iso(e.time).slice(11, 23)} ${e.type}${describe(e)}`);
  return `${lines.join('\n')}\n`;
}

function describe(e: AgentEvent): string {
  switch (e.type) {
    case 'turn.started':
      return e.prompt
        ? ` prompt ${e.prompt.file} sha256 ${e.prompt.hash.slice(0, 12)} input ${JSON.stringify(e.prompt.input).slice(0, 120)}`
        : ` ${JSON.stringify(e.input)}`;
    case 'output.invalid':
      return ` ${e.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}${e.feedback ? ' (retried)' : ''}`;
    case 'state.changed':
      return ` ${e.from} → ${e.to}`;
    case 'llm.completed':
      return ` ${e.finishReason} ${Math.round(e.durationMs)} ms ${tokensInOut(e.usage)}${costText(e.cost)}${e.text ? ` ${JSON.stringify(e.text.slice(0, 120))}` : ''}${e.toolCalls.length ? ` tools: ${e.toolCalls.map((c) => c.name).join(', ')}` : ''}`;
    case 'context.summarized':
      return ` messages ${e.from}–${e.to - 1} by ${e.model} ${tokensInOut(e.usage)}${costText(e.cost)} ${JSON.stringify(e.summary.slice(0, 120))}`;
    case 'mcp.sampled':
      return e.error
        ? ` ${e.server} (call ${e.callId}) refused: ${e.error.message}`
        : ` ${e.server} (call ${e.callId}) by ${e.model} ${e.messages} message(s) ${tokensInOut(e.usage)}${costText(e.cost)} ${e.stopReason ?? ''} ${JSON.stringify(e.text.slice(0, 120))}`;
    case 'context.trimmed':
      return ` left out messages ${e.from}–${e.to - 1} (${e.messages}, ${e.tokens} tokens), kept ${e.keptTokens} tokens`;
    case 'tool.started':
      return ` ${e.name} ${e.arguments}`;
    case 'tool.completed':
      return ` ${e.name} ${e.ok ? 'ok' : 'error'} ${Math.round(e.durationMs)} ms ${e.output.slice(0, 120)}`;
    case 'llm.failed':
    case 'turn.failed':
    case 'llm.retry':
      return ` ${e.error.code}: ${e.error.message}`;
    case 'auth.allowed':
    case 'auth.denied':
      return ` ${e.permission} (${e.reason})`;
    default:
      return '';
  }
}

function tokensInOut(usage: Usage): string {
  const cached = usage.cachedPromptTokens !== undefined ? `, ${usage.cachedPromptTokens} cached` : '';
  return `${usage.promptTokens} in${cached}, ${usage.completionTokens} out`;
}

/** Costs are in whatever currency `llm.prices` is given in: no symbol. */
function costText(cost: number | undefined): string {
  return cost === undefined ? '' : ` · cost ${Number(cost.toPrecision(6))}`;
}

/** `session show`'s line on the last request: what was sent, what was left out, what the server counted. */
export function describeRequest(request: LastRequest): string {
  const counted = request.exact
    ? `${request.promptTokens} tokens`
    : `${request.correctedTokens ?? request.promptTokens} tokens estimated${request.correctedTokens !== undefined ? ` (${request.promptTokens} corrected by this session's reported usage)` : ''}`;
  const dropped = request.dropped ? `, ${request.dropped.messages} older message(s) left out (${request.dropped.tokens} tokens)` : ', nothing left out';
  return `(step ${request.step}, ${request.model}): ${request.messages} message(s) sent, ${counted}${dropped}; server: ${tokensInOut(request.usage)}${costText(request.cost)}`;
}

export function exportSession(session: Session, events: AgentEvent[], format: ExportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ session, events }, null, 2)}\n`;
    case 'jsonl':
      return events.map((e) => `${JSON.stringify(e)}\n`).join('');
    case 'md':
      return toMarkdown(session);
  }
}

function toMarkdown(session: Session): string {
  const out = [
    `# Session ${session.id}`,
    '',
    `- owner: ${session.owner}`,
    `- state: ${session.state}`,
    `- created: ${iso(session.createdAt)}`,
    `- tokens: ${session.usage.totalTokens}`,
    '',
  ];
  for (const m of session.messages) {
    if (m.role === 'tool') {
      out.push(`**tool ${m.name}** →`, '', '```json', m.content, '```', '');
    } else if (m.role === 'assistant' && m.toolCalls?.length) {
      if (m.content) out.push('## Assistant', '', m.content, '');
      for (const c of m.toolCalls) out.push(`**call ${c.name}**`, '', '```json', c.arguments, '```', '');
    } else {
      out.push(`## ${m.role[0]?.toUpperCase()}${m.role.slice(1)}`, '', m.content, '');
    }
  }
  return `${out.join('\n')}\n`;
}
