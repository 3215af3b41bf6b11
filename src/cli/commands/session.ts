import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { CliContext } from '../cli-context.js';
import { exportSession, formatSessionList, formatSessionText, type ExportFormat } from '../format-session.js';
import type { SessionStore } from '../../store/session-store.js';

/** Session commands need only the store: no model, no tools, no sandboxes to start. */
async function withRuntime<T>(command: Command, fn: (store: SessionStore) => Promise<T>): Promise<T> {
  const { openSessionStore } = await import('../../node/store/open-session-store.js');
  const store = await openSessionStore((await new CliContext(command).loadConfig()).store);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function mustLoad(store: SessionStore, id: string) {
  const session = await store.load(id);
  if (!session) throw new AgentboxError('SESSION_NOT_FOUND', `no session with id ${id} (see: agentbox session list)`);
  return { session, events: await store.events(id) };
}

export function registerSessionCommands(program: Command): void {
  const session = program.command('session').description('list, show, export and delete stored sessions');

  session
    .command('list')
    .description('list sessions, most recent first')
    .option('-n, --limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .option('--json', 'print JSON')
    .action((options: { limit: number; json?: boolean }, command: Command) =>
      withRuntime(command, async (runtime) => {
        const sessions = await runtime.list({ limit: options.limit });
        process.stdout.write(options.json ? `${JSON.stringify(sessions, null, 2)}\n` : formatSessionList(sessions));
      }),
    );

  session
    .command('show')
    .description('show a session: transcript summary, usage and every stored event')
    .argument('<id>', 'session id')
    .option('--json', 'print the session and its events as JSON')
    .action((id: string, options: { json?: boolean }, command: Command) =>
      withRuntime(command, async (runtime) => {
        const { session: s, events } = await mustLoad(runtime, id);
        process.stdout.write(options.json ? exportSession(s, events, 'json') : formatSessionText(s, events));
      }),
    );

  session
    .command('export')
    .description('export a session as JSON, JSON Lines (its event log) or Markdown (its transcript)')
    .argument('<id>', 'session id')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'jsonl', 'md']).default('json'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((id: string, options: { format: ExportFormat; output?: string }, command: Command) =>
      withRuntime(command, async (runtime) => {
        const { session: s, events } = await mustLoad(runtime, id);
        const text = exportSession(s, events, options.format);
        if (options.output) writeFileSync(options.output, text);
        else process.stdout.write(text);
      }),
    );

  session
    .command('delete')
    .description('delete a session and its events')
    .argument('<id>', 'session id')
    .action((id: string, _options: unknown, command: Command) =>
      withRuntime(command, async (runtime) => {
        if (!(await runtime.delete(id))) throw new AgentboxError('SESSION_NOT_FOUND', `no session with id ${id}`);
        process.stderr.write(`deleted ${id}\n`);
      }),
    );
}
