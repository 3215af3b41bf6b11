import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { terminalApprover } from '../ask-approval.js';
import { terminalInputAsker } from '../ask-input.js';
import { CliContext } from '../cli-context.js';
import { EventRenderer } from '../render-events.js';
import { runStreamingTurn } from '../run-streaming-turn.js';

/** A question on the chat's readline that rejects when `signal` aborts (the callback form never calls back then). */
function askOn(rl: ReturnType<typeof createInterface>, question: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AgentboxError('CANCELLED', 'the question was withdrawn'));
    signal.addEventListener('abort', () => reject(new AgentboxError('CANCELLED', 'the question was withdrawn')), { once: true });
    rl.question(question, { signal }, resolve);
  });
}

const help = 'Type a message and press Enter. Ctrl-C cancels a running answer; Ctrl-C on an empty prompt, Ctrl-D or /exit quits. /new starts a new session.';

/**
 * Interactive chat. Each line is one turn of the same session; the answer streams in; a
 * Ctrl-C during an answer cancels that turn only (the session stays usable).
 */
export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('interactive chat with streaming answers (Ctrl-C cancels a turn)')
    .option('-s, --session <id>', 'continue an existing session')
    .option('-y, --yes', 'approve tool calls that need approval without asking')
    .action(async (options: { session?: string; yes?: boolean }, command: Command) => {
      const context = new CliContext(command);
      const runtime = await context.openRuntime();
      const renderer = new EventRenderer(process.stdout, process.stderr);
      const rl = createInterface({ input: process.stdin, output: process.stderr, prompt: '> ', terminal: Boolean(process.stdin.isTTY) });
      let sessionId = options.session;
      let turn: AbortController | undefined;
      let busy: Promise<void> = Promise.resolve();
      let closed = false;
      const onInterrupt = (): void => {
        if (turn) {
          turn.abort(new AgentboxError('CANCELLED', 'cancelled with Ctrl-C'));
          return;
        }
        rl.close();
      };
      rl.on('SIGINT', onInterrupt);
      process.on('SIGINT', onInterrupt);
      process.stderr.write(`${help}\n`);
      rl.prompt();
      rl.on('line', (line) => {
        const input = line.trim();
        busy = busy.then(async () => {
          if (input === '/exit' || input === '/quit') return void rl.close();
          if (input === '/new') {
            sessionId = undefined;
            process.stderr.write('(new session)\n');
          } else if (input) {
            turn = new AbortController();
            const turnSignal = turn.signal;
            try {
              const session = await runStreamingTurn({
                runtime,
                input,
                ...(sessionId ? { sessionId } : {}),
                signal: turn.signal,
                onSession: (id) => (sessionId = id),
                onEvent: (e) => renderer.handle(e),
                onApproval: terminalApprover({
                  ...(options.yes ? { yes: true } : {}),
                  beforeAsk: () => renderer.makeWayForPrompt(),
                  // Ctrl-C during the question cancels the turn, and the question with it.
                  ask: (question) => new Promise((resolve) => rl.question(question, { signal: turnSignal }, resolve)),
                }),
                // A server's form is asked on the chat's own readline, when it is a terminal.
                onInput:
                  (process.stdin.isTTY &&
                    terminalInputAsker({
                      beforeAsk: () => renderer.makeWayForPrompt(),
                      ask: (question, withdrawn) => askOn(rl, question, AbortSignal.any([turnSignal, withdrawn])),
                    })) ||
                  false,
              });
              sessionId = session.id;
            } catch (error) {
              renderer.endLine();
              const message = AgentboxError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
              process.stderr.write(`${message}\n`);
            } finally {
              turn = undefined;
            }
          }
          if (!closed) rl.prompt();
        });
      });
      await new Promise<void>((resolve) =>
        rl.on('close', () => {
          closed = true;
          resolve();
        }),
      );
      await busy;
      process.off('SIGINT', onInterrupt);
      if (sessionId) process.stderr.write(`session ${sessionId}\n`);
      await context.close();
    });
}
