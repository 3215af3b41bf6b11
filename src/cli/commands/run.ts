import type { Command } from 'commander';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { terminalApprover } from '../ask-approval.js';
import { CliContext } from '../cli-context.js';
import { EventRenderer } from '../render-events.js';
import { runStreamingTurn } from '../run-streaming-turn.js';

interface RunOptions {
  session?: string;
  json?: boolean;
  tools?: boolean;
  yes?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run one turn: send a message, stream the answer (tools are called as needed)')
    .argument('[message...]', 'the message; read from stdin when omitted')
    .option('-s, --session <id>', 'continue an existing session')
    .option('--json', 'print the finished session as JSON instead of streaming text')
    .option('--no-tools', 'do not print tool calls on stderr')
    .option('-y, --yes', 'approve tool calls that need approval without asking')
    .action(async (words: string[], options: RunOptions, command: Command) => {
      const input = words.length > 0 ? words.join(' ') : process.stdin.isTTY ? '' : await readStdin();
      if (input.trim() === '') throw new AgentboxError('INVALID_INPUT', 'no message: pass it as an argument or on stdin, e.g. agentbox run "What is 17 * 23?"');
      const context = new CliContext(command);
      try {
        const runtime = await context.openRuntime();
        const renderer = options.json ? undefined : new EventRenderer(process.stdout, process.stderr, { showTools: options.tools !== false });
        const session = await runStreamingTurn({
          runtime,
          input,
          ...(options.session ? { sessionId: options.session } : {}),
          onApproval: terminalApprover({ ...(options.yes ? { yes: true } : {}), ...(renderer ? { beforeAsk: () => renderer.makeWayForPrompt() } : {}) }),
          ...(renderer ? { onEvent: (e) => renderer.handle(e) } : {}),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(session, null, 2)}\n`);
        else process.stderr.write(`session ${session.id}\n`);
      } finally {
        await context.close();
      }
    });
}
