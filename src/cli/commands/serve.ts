import type { Command } from 'commander';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { CliContext } from '../cli-context.js';

interface ServeOptions {
  port?: number;
  host?: string;
  shutdownTimeout: number;
}

/**
 * `agentbox serve [--port 8787] [--host 127.0.0.1]`: the HTTP service on the SQLite store.
 * Prints its URL on stderr; SIGTERM/SIGINT stop it gracefully (running turns may finish
 * for `--shutdown-timeout` ms, then are cancelled and recorded so) and exit 0.
 * `agentbox serve hash-key <key>` prints the SHA-256 to put in `server.apiKeys`.
 */
export function registerServeCommand(program: Command): void {
  const serveCommand = program
    .command('serve')
    .description('run the HTTP service: sessions API with SSE, OpenAI-compatible /v1/chat/completions, web page, /metrics')
    .option('-p, --port <port>', 'port to listen on; 0 picks a free one (default: server.port, 8787)', parsePort)
    .option('--host <host>', 'interface to bind (default: server.host, 127.0.0.1); a non-loopback host needs API keys')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long running turns may finish before they are cancelled', parseNonNegative, 10_000)
    .action(async (options: ServeOptions, command: Command) => {
      const context = new CliContext(command);
      const config = await context.loadConfig();
      // Imported here, not at the top: every other command starts faster without the server.
      const { startServer } = await import('../../node/server/start-server.js');
      const running = await startServer({
        config,
        logger: await context.log(),
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host !== undefined ? { host: options.host } : {}),
      });
      const mode = config.server.apiKeys.length === 0 ? ' (local mode: no API keys, loopback only)' : '';
      // The signal handlers go first: a SIGTERM while the recovery below starts must stop us gracefully.
      const stopping = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      process.stderr.write(`agentbox serve: listening on ${running.url}${mode}\n`);
      // Runs a dead process left `running` go on here; `close` suspends them (they stay resumable).
      running.app.workflows
        .recover((r) => process.stderr.write(`agentbox serve: recovered workflow run ${r.runId}: ${r.status}\n`))
        .catch((error: unknown) => process.stderr.write(`agentbox serve: workflow recovery failed: ${(error as Error).message}\n`));
      const signal = await stopping;
      process.stderr.write(`agentbox serve: ${signal}: no new requests; waiting up to ${options.shutdownTimeout} ms for running turns\n`);
      const report = await running.close({ timeoutMs: options.shutdownTimeout });
      process.stderr.write(`agentbox serve: stopped (${report.finished} turn(s) finished, ${report.cancelled} cancelled)\n`);
      process.exitCode = 0;
    });

  serveCommand
    .command('hash-key')
    .description('print the SHA-256 of an API key for server.apiKeys (use - to read the key from stdin, keeping it out of shell history)')
    .argument('<key>', 'the API key, or - for stdin')
    .option('--principal <name>', 'principal the key acts as, for the printed config snippet', 'api-user')
    .action(async (key: string, options: { principal: string }) => {
      const secret = key === '-' ? (await readStdin()).trim() : key;
      if (secret.length < 16) throw new AgentboxError('INVALID_INPUT', 'an API key should be at least 16 characters (e.g. openssl rand -hex 32)');
      const { hashApiKey } = await import('../../server/api-key-auth.js');
      const sha256 = await hashApiKey(secret);
      process.stdout.write(`${sha256}\n`);
      process.stderr.write(`config:\n  server:\n    apiKeys:\n      - { sha256: ${sha256}, principal: ${options.principal} }\n`);
    });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error(`expected a port 0-65535, got '${value}'`);
  return n;
}

function parseNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number of milliseconds, got '${value}'`);
  return n;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}
