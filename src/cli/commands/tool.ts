import type { Command } from 'commander';
import { toolPermission } from '../../auth/create-tool-call-authorizer.js';
import type { Capabilities } from '../../auth/capabilities.js';
import type { ToolAnnotations } from '../../agent/tools/tool.js';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { terminalApprover } from '../ask-approval.js';
import { terminalInputAsker } from '../ask-input.js';
import { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import type { NodeRuntime } from '../../node/runtime/node-runtime.js';

async function withRuntime(command: Command, fn: (runtime: NodeRuntime) => Promise<void>): Promise<void> {
  const context = new CliContext(command);
  try {
    await fn(await context.openRuntime());
  } finally {
    await context.close();
  }
}

function mustFind(runtime: NodeRuntime, name: string) {
  const tool = runtime.tools.get(name);
  if (!tool) {
    const known = runtime.tools
      .list()
      .map((t) => t.name)
      .join(', ');
    throw new AgentboxError('INVALID_INPUT', `no tool named '${name}'; available: ${known}`);
  }
  return tool;
}

/** `agentbox tool list | inspect | run`: the tools the agent has, as the model and the sandbox see them. */
export function registerToolCommands(program: Command): void {
  const tool = program.command('tool').description('list, inspect and run the tools the agent can call');

  tool
    .command('list')
    .description('list the available tools (built-in, configured WASM, script, file and HTTP tools)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withRuntime(command, async (runtime) => {
        const tools = runtime.tools.list().map((t) => {
          const server = runtime.tools.sourceOf(t.name);
          return { name: t.name, description: t.description, needsApproval: Boolean(t.needsApproval), ...(server ? { server } : {}) };
        });
        if (options.json) return void process.stdout.write(`${JSON.stringify(tools, null, 2)}\n`);
        const width = Math.max(...tools.map((t) => t.name.length), 4);
        for (const t of tools) {
          const tags = `${t.server ? `[mcp: ${t.server}] ` : ''}${t.needsApproval ? '[approval] ' : ''}`;
          process.stdout.write(`${t.name.padEnd(width)}  ${tags}${t.description}\n`);
        }
      }),
    );

  tool
    .command('inspect')
    .description('show a tool: its JSON Schema, the capabilities it asks for, and what a principal would get')
    .argument('<name>', 'tool name')
    .option('-p, --principal <id>', 'principal to evaluate (default: the configured default principal)')
    .action((name: string, options: { principal?: string }, command: Command) =>
      withRuntime(command, async (runtime) => {
        const found = mustFind(runtime, name);
        const { createAuthorizer } = await import('../../auth/authorizer.js');
        const authorizer = createAuthorizer(runtime.config.auth);
        const principal = options.principal ?? runtime.config.auth.defaultPrincipal ?? 'cli';
        const decision = authorizer.decide(principal, toolPermission(name));
        const requested: Capabilities = found.capabilities ?? {};
        const server = runtime.tools.sourceOf(name);
        const info = {
          name: found.name,
          description: found.description,
          ...(server ? { server } : {}),
          ...(found.annotations ? { annotations: found.annotations, notes: annotationNotes(found.annotations) } : {}),
          parameters: found.parameters,
          timeoutMs: found.timeoutMs ?? runtime.config.agent.toolTimeoutMs,
          needsApproval: Boolean(found.needsApproval),
          capabilities: { requested, effective: decision.allowed ? authorizer.capabilitiesFor(principal, name, requested) : null },
          permission: { principal, allowed: decision.allowed, rule: decision.rule ?? null, reason: decision.reason },
        };
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      }),
    );

  tool
    .command('run')
    .description('run one call directly, under the same validation, permissions and limits as a model call')
    .argument('<name>', 'tool name')
    .option('-a, --args <json>', 'arguments as a JSON object', '{}')
    .option('-p, --principal <id>', 'run as this principal (default: the configured default principal)')
    .option('-y, --yes', 'approve the call if the tool needs approval')
    .action((name: string, options: { args: string; principal?: string; yes?: boolean }, command: Command) =>
      withRuntime(command, async (runtime) => {
        mustFind(runtime, name);
        const result = await runtime.invokeTool({
          name,
          arguments: options.args,
          ...(options.principal ? { principal: options.principal } : {}),
          onApproval: terminalApprover({ ...(options.yes ? { yes: true } : {}) }),
          onInput: terminalInputAsker() ?? false,
          events: (e) => {
            if (e.type === 'auth.denied') process.stderr.write(`denied: ${e.reason}\n`);
          },
        });
        if (result.ok) {
          process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
          process.stderr.write(`ok in ${result.durationMs.toFixed(1)} ms\n`);
          return;
        }
        process.stderr.write(`error ${result.error.code}: ${result.error.message}\n`);
        process.exitCode = result.error.code === 'TOOL_DENIED' ? ExitCode.denied : result.error.code === 'TOOL_ARGS_INVALID' ? ExitCode.usage : ExitCode.agent;
      }),
    );
}

/** What the annotations mean here: the author's hints, of which only destructiveHint changes a default. */
function annotationNotes(annotations: ToolAnnotations): string[] {
  const notes: string[] = [];
  if (annotations.readOnlyHint === true) notes.push('readOnlyHint: the server says this tool changes nothing (a hint, not enforced)');
  if (annotations.destructiveHint === true && annotations.readOnlyHint !== true) {
    notes.push('destructiveHint: the server says this tool may destroy or overwrite; calls need approval unless needsApproval is set false for its server');
  }
  if (annotations.idempotentHint === true) notes.push('idempotentHint: repeating a call with the same arguments has no further effect');
  if (annotations.openWorldHint === true) notes.push('openWorldHint: the tool reaches an open world (such as the web)');
  return notes;
}
