import type { Command } from 'commander';
import type { AgentboxConfig } from '../../config/config-schema.js';
import type { McpServerConfig } from '../../config/mcp-config-schema.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { EventPayload } from '../../engine/events.js';
import type { McpToolSource } from '../../mcp/mcp-tool-source.js';
import type { McpAgentTools } from '../../mcp/mcp-agent-tools.js';
import type { Authorizer } from '../../auth/authorizer.js';
import type { NodeRuntime } from '../../node/runtime/node-runtime.js';
import { terminalApprover } from '../ask-approval.js';
import { terminalInputAsker } from '../ask-input.js';
import { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { registerMcpLoginCommands } from './mcp-login.js';

interface TargetOptions {
  header?: string[];
}

/**
 * A configured server by name; else a URL; else, with a command after `--`, a stdio server
 * started for this one command under that name. Like the MCP Inspector's CLI, for debugging.
 */
function resolveTarget(config: AgentboxConfig, target: string, command: string[], options: TargetOptions): { name: string; entry: McpServerConfig } {
  const headers = parseHeaders(options.header ?? []);
  const configured = config.tools.mcp.servers[target];
  if (configured && command.length === 0) return { name: target, entry: configured };
  if (command.length > 0) {
    if (!/^[a-zA-Z0-9-]{1,32}$/.test(target)) throw new AgentboxError('INVALID_INPUT', `'${target}' is not a server name (letters, digits, "-")`);
    const [program, ...args] = command as [string, ...string[]];
    return { name: target, entry: { command: program, args, env: {} } };
  }
  if (/^https?:\/\//.test(target)) return { name: 'remote', entry: { url: target, headers } };
  const known = Object.keys(config.tools.mcp.servers).join(', ') || 'none configured';
  throw new AgentboxError('INVALID_INPUT', `no MCP server named '${target}' (configured: ${known}); give a URL, or a command after --`);
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AgentboxError('INVALID_INPUT', `--header '${line}' is not "Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

async function withSource(
  command: Command,
  target: string,
  argv: string[],
  options: TargetOptions & { principal?: string },
  fn: (source: McpToolSource, config: AgentboxConfig) => Promise<void>,
): Promise<void> {
  const context = new CliContext(command);
  const config = await context.loadConfig();
  const { name, entry } = resolveTarget(config, target, argv, options);
  const [{ McpToolSource }, { mcpSourceOptions }] = await Promise.all([
    import('../../mcp/mcp-tool-source.js'),
    import('../../node/mcp/load-mcp-tool-sources.js'),
  ]);
  const defaultPrincipal = config.auth.defaultPrincipal;
  const source = await McpToolSource.connect(
    mcpSourceOptions(name, entry, { requireApproval: config.tools.requireApproval, principal: options.principal ?? defaultPrincipal, defaultPrincipal }),
  );
  try {
    await fn(source, config);
  } finally {
    await source.close();
  }
}

const withInput = (asker: ReturnType<typeof terminalInputAsker>) => (asker ? { requestInput: asker } : {});

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `server.mcp.agents` as `ask_<name>` tools, under the same session rules as the service's routes; undefined when none is configured. */
async function mcpAgentTools(runtime: NodeRuntime, authorizer: Authorizer): Promise<McpAgentTools | undefined> {
  const agents = runtime.config.server.mcp.agents;
  if (agents.length === 0) return undefined;
  const [{ McpAgentTools }, { accessSession }] = await Promise.all([import('../../mcp/mcp-agent-tools.js'), import('../../server/session-access.js')]);
  return new McpAgentTools({
    agents,
    runtime,
    decide: (principal, permission) => authorizer.decide(principal, permission),
    writableSession: (principal, id) => accessSession({ runtime, authorizer }, principal, id, 'write'),
  });
}

/** `agentbox mcp list | call`: talk to an MCP server directly, as the agent would. */
export function registerMcpCommands(program: Command): void {
  const mcp = program.command('mcp').description('talk to MCP servers: list their tools, call one, log in to one');
  registerMcpLoginCommands(mcp);

  mcp
    .command('list')
    .description('list the tools of a configured server, a URL, or a stdio command given after --')
    .argument('<server|url>', 'a name in tools.mcp.servers, a Streamable HTTP or SSE URL, or a name for the command after --')
    .argument('[command...]', 'after --: the stdio server to start')
    .option('-H, --header <line>', 'an HTTP header, "Name: value" (repeatable)', collect)
    .option('--json', 'print the tools as the server describes them')
    .option('-p, --principal <id>', "use this principal's OAuth login (default: the configured default principal)")
    .action((target: string, argv: string[], options: TargetOptions & { json?: boolean; principal?: string }, command: Command) =>
      withSource(command, target, argv, options, async (source) => {
        if (options.json) return void process.stdout.write(`${JSON.stringify(source.serverTools, null, 2)}\n`);
        const tools = source.tools();
        const width = Math.max(...tools.map((t) => t.name.length), 4);
        for (const [index, t] of tools.entries()) {
          const hints = source.serverTools[index]?.annotations;
          const marks = [t.needsApproval ? '[approval]' : '', hints?.readOnlyHint ? '[read-only]' : ''].filter(Boolean).join(' ');
          process.stdout.write(`${t.name.padEnd(width)}  ${marks ? `${marks} ` : ''}${t.description}\n`);
        }
      }),
    );

  mcp
    .command('serve')
    .description("serve the configured tools over MCP on stdio, under the principal's grants")
    .option('-p, --principal <id>', 'serve as this principal (default: the configured default principal)')
    .option('-y, --yes', 'approve approval-gated calls (nobody can be asked: stdin is the protocol)')
    .action(async (options: { principal?: string; yes?: boolean }, command: Command) => {
      const context = new CliContext(command);
      const [runtime, { createMcpServer }, { StdioServerTransport }, { createAuthorizer }, { toolPermission }] = await Promise.all([
        context.openRuntime(),
        import('../../mcp/create-mcp-server.js'),
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('../../auth/authorizer.js'),
        import('../../auth/create-tool-call-authorizer.js'),
      ]);
      const authorizer = createAuthorizer(runtime.config.auth);
      const agents = await mcpAgentTools(runtime, authorizer);
      const approveAll = async (requests: Array<{ callId: string }>) => new Map(requests.map((r) => [r.callId, { approved: true, by: 'mcp serve --yes' }]));
      const server = createMcpServer({
        runtime,
        principal: options.principal ?? authorizer.config.defaultPrincipal,
        metadata: { transport: 'stdio' },
        mayInvoke: (principal, tool) => authorizer.decide(principal, toolPermission(tool)).allowed,
        ...(options.yes ? { onApproval: approveAll } : {}),
        ...(agents ? { agents } : {}),
      });
      const closed = new Promise<void>((resolve) => {
        // Chained: the server's own handler unsubscribes from the registry.
        const previous = server.onclose;
        server.onclose = () => {
          previous?.();
          resolve();
        };
      });
      await server.connect(new StdioServerTransport());
      // The SDK's transport does not notice stdin ending; the client going away ends the server.
      process.stdin.once('end', () => void server.close());
      // Serves until the client closes stdin (or a signal stops the process).
      await closed;
      await context.close();
    });

  mcp
    .command('call')
    .description('call one tool under the same validation, permissions, approval and limits as a model call')
    .argument('<server|url>', 'a name in tools.mcp.servers, a URL, or a name for the command after --')
    .argument('<tool>', "the tool's name on the server (without the server prefix)")
    .argument('[command...]', 'after --: the stdio server to start')
    .option('-a, --args <json>', 'arguments as a JSON object', '{}')
    .option('-H, --header <line>', 'an HTTP header, "Name: value" (repeatable)', collect)
    .option('-p, --principal <id>', 'run as this principal (default: the configured default principal)')
    .option('-y, --yes', 'approve the call if the tool needs approval')
    .action((target: string, tool: string, argv: string[], options: TargetOptions & { args: string; principal?: string; yes?: boolean }, command: Command) =>
      withSource(command, target, argv, options, async (source, config) => {
        const [{ ToolRegistry }, { ToolExecutor }, { createAuthorizer }, { createToolCallAuthorizer }, { createSessionSampler }, { createModelFromConfig }] =
          await Promise.all([
            import('../../agent/tools/tool-registry.js'),
            import('../../agent/tools/tool-executor.js'),
            import('../../auth/authorizer.js'),
            import('../../auth/create-tool-call-authorizer.js'),
            import('../../agent/tools/create-session-sampler.js'),
            import('../../runtime/create-model-from-config.js'),
          ]);
        const registry = new ToolRegistry();
        registry.replaceSource(source.name, source.tools());
        const authorizer = createAuthorizer(config.auth);
        const executor = new ToolExecutor({ registry, defaultTimeoutMs: config.agent.toolTimeoutMs, authorize: createToolCallAuthorizer(authorizer) });
        const name = `${source.name}_${tool.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
        const [result] = await executor.execute([{ id: 'direct', name, arguments: options.args }], {
          sessionId: '',
          principal: options.principal ?? authorizer.config.defaultPrincipal,
          step: 0,
          signal: new AbortController().signal,
          emit: (e) => {
            if (e.type === 'auth.denied') process.stderr.write(`denied: ${e.reason}\n`);
            if (e.type === 'mcp.sampled') process.stderr.write(`${sampledLine(e)}\n`);
          },
          requestApproval: terminalApprover({ ...(options.yes ? { yes: true } : {}) }),
          // A server with sampling on samples on the configured model; the budget holds for this one call.
          sample: createSessionSampler({ model: () => createModelFromConfig(config), used: () => 0, prices: config.llm.prices }),
          // On a terminal a server's form is asked there; without one it is refused.
          ...withInput(terminalInputAsker()),
        });
        if (!result) throw new AgentboxError('INTERNAL', 'the executor returned no result');
        if (result.ok) {
          const { value } = result;
          process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
          process.stderr.write(`ok in ${result.durationMs.toFixed(1)} ms\n`);
          return;
        }
        process.stderr.write(`error ${result.error.code}: ${result.error.message}\n`);
        // As for `tool run`: denied 3, bad arguments 2, any other tool failure 5.
        process.exitCode = result.error.code === 'TOOL_DENIED' ? ExitCode.denied : result.error.code === 'TOOL_ARGS_INVALID' ? ExitCode.usage : ExitCode.agent;
      }),
    );
}

/** What `mcp call` says on stderr about a server's sampling request. */
function sampledLine(e: Extract<EventPayload, { type: 'mcp.sampled' }>): string {
  if (e.error) return `sampling refused: ${e.error.message}`;
  return `sampled ${e.model} for ${e.server}: ${e.usage.totalTokens} tokens (${e.stopReason ?? 'unknown'})`;
}
