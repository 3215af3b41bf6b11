import type { Command } from 'commander';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { terminalApprover } from '../ask-approval.js';
import { terminalInputAsker } from '../ask-input.js';
import { CliContext } from '../cli-context.js';
import { EventRenderer } from '../render-events.js';
import { parsePromptInput } from '../prompt-input.js';
import { runStreamingTurn } from '../run-streaming-turn.js';

interface RunOptions {
  session?: string;
  prompt?: string;
  input?: string;
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
    .option('-p, --prompt <file>', 'render a Dotprompt file (a path, or a name in prompts.dir) as the turn instead of a message')
    .option('-i, --input <json>', 'the prompt\'s input, a JSON object checked against its input schema, e.g. \'{"name":"Ann"}\'')
    .option('--json', 'print the finished session as JSON instead of streaming text')
    .option('--no-tools', 'do not print tool calls on stderr')
    .option('-y, --yes', 'approve tool calls that need approval without asking')
    .action(async (words: string[], options: RunOptions, command: Command) => {
      if (options.prompt === undefined && options.input !== undefined)
        throw new AgentboxError('INVALID_INPUT', '--input is the input of --prompt: give a prompt file too');
      if (options.prompt !== undefined && words.length > 0)
        throw new AgentboxError('INVALID_INPUT', 'give a message or --prompt, not both (the prompt file says what is sent)');
      const prompt = options.prompt === undefined ? undefined : { file: options.prompt, input: parsePromptInput(options.input) };
      const input = prompt ? undefined : words.length > 0 ? words.join(' ') : process.stdin.isTTY ? '' : await readStdin();
      if (input !== undefined && input.trim() === '')
        throw new AgentboxError('INVALID_INPUT', 'no message: pass it as an argument or on stdin, e.g. agentbox run "What is 17 * 23?"');
      const context = new CliContext(command);
      try {
        const runtime = await context.openRuntime();
        const renderer = options.json ? undefined : new EventRenderer(process.stdout, process.stderr, { showTools: options.tools !== false });
        const session = await runStreamingTurn({
          runtime,
          ...(prompt ? { prompt } : { input }),
          ...(options.session ? { sessionId: options.session } : {}),
          onApproval: terminalApprover({ ...(options.yes ? { yes: true } : {}), ...(renderer ? { beforeAsk: () => renderer.makeWayForPrompt() } : {}) }),
          // Without a terminal nobody can fill in a server's form: it is refused.
          onInput: terminalInputAsker(renderer ? { beforeAsk: () => renderer.makeWayForPrompt() } : {}) ?? false,
          ...(renderer ? { onEvent: (e) => renderer.handle(e) } : {}),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(session, null, 2)}\n`);
        else process.stderr.write(`session ${session.id}\n`);
      } finally {
        await context.close();
      }
    });
}
