import { createInterface } from 'node:readline/promises';
import type { ApprovalDecision, ApprovalRequest } from '../agent/tools/tool-executor.js';

/**
 * Approval for gated tool calls on a terminal: asks y/n on stderr. Without a terminal
 * (piped input, CI) calls are denied unless `--yes` was given.
 */
export function terminalApprover(options: {
  yes?: boolean;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  /** Called before a question is printed (so a renderer can clear its status line). */
  beforeAsk?: () => void;
}) {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  return async (requests: ApprovalRequest[]): Promise<Map<string, ApprovalDecision>> => {
    const decisions = new Map<string, ApprovalDecision>();
    for (const request of requests) {
      if (options.yes) {
        decisions.set(request.callId, { approved: true, by: 'cli --yes' });
        continue;
      }
      if (!input.isTTY) {
        decisions.set(request.callId, { approved: false, by: 'cli', reason: 'no terminal to ask for approval (use --yes to approve)' });
        continue;
      }
      options.beforeAsk?.();
      const rl = createInterface({ input, output });
      try {
        const answer = await rl.question(`Allow ${request.name}(${request.arguments})? [y/N] `);
        const approved = /^y(es)?$/i.test(answer.trim());
        decisions.set(request.callId, { approved, by: 'cli user', ...(approved ? {} : { reason: 'declined at the prompt' }) });
      } finally {
        rl.close();
      }
    }
    return decisions;
  };
}
