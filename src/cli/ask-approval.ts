import { createInterface } from 'node:readline/promises';
import type { ApprovalDecision, ApprovalRequest } from '../agent/tools/tool-executor.js';

export interface TerminalApproverOptions {
  yes?: boolean;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
  /** Called before a question is printed (so a renderer can clear its status line). */
  beforeAsk?: () => void;
  /**
   * Asks through a readline the caller already has (chat): a second interface on the same
   * input would read every keystroke twice.
   */
  ask?: (question: string) => Promise<string>;
}

/**
 * Approval for gated tool calls on a terminal: asks y/n on stderr. Without a terminal
 * (piped input, CI) calls are denied unless `--yes` was given.
 */
export function terminalApprover(options: TerminalApproverOptions) {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  const askOnce = async (question: string): Promise<string> => {
    const rl = createInterface({ input, output });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
  return async (requests: ApprovalRequest[]): Promise<Map<string, ApprovalDecision>> => {
    const decisions = new Map<string, ApprovalDecision>();
    for (const request of requests) {
      if (options.yes) {
        decisions.set(request.callId, { approved: true, by: 'cli --yes' });
        continue;
      }
      if (!options.ask && !input.isTTY) {
        decisions.set(request.callId, { approved: false, by: 'cli', reason: 'no terminal to ask for approval (use --yes to approve)' });
        continue;
      }
      options.beforeAsk?.();
      const answer = await (options.ask ?? askOnce)(`Allow ${request.name}(${request.arguments})? [y/N] `);
      const approved = /^y(es)?$/i.test(answer.trim());
      decisions.set(request.callId, { approved, by: 'cli user', ...(approved ? {} : { reason: 'declined at the prompt' }) });
    }
    return decisions;
  };
}
