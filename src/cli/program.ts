import { Command } from 'commander';
import { addGlobalOptions, CliContext } from './cli-context.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerChatCommand } from './commands/chat.js';
import { registerConfigCommands } from './commands/config.js';
import { registerMcpCommands } from './commands/mcp.js';
import { registerPromptCommands } from './commands/prompt.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSessionCommands } from './commands/session.js';
import { registerStatusCommand } from './commands/status.js';
import { registerToolCommands } from './commands/tool.js';
import { registerWasmCommands } from './commands/wasm.js';
import { registerWorkflowCommands } from './commands/workflow.js';

export const version = '0.1.0';

const epilog = `
Examples:
  agentbox run "What is 17 * 23? Use the calculator."
  echo "Summarize this" | agentbox run --json
  agentbox chat
  agentbox session list
  agentbox session export <id> --format md
  agentbox workflow run flow.yaml --input '{"topic":"tides"}'
  agentbox run --prompt prompts/triage.prompt --input '{"ticket":"It crashes"}'
  agentbox prompt render triage --input '{"ticket":"It crashes"}'

LLM endpoint: OPENAI_BASE_URL / OPENAI_API_KEY / AGENTBOX_MODEL, the config file, or
--base-url/--api-key/--model. With none set, a local Ollama at http://127.0.0.1:11434/v1.

Exit codes: 0 ok · 1 internal error · 2 bad usage or config · 3 denied · 4 LLM error ·
5 agent or tool failure (e.g. MAX_STEPS) · 6 session not found · 130 interrupted`;

/** Builds the `agentbox` command tree. */
export function createProgram(): Command {
  const program = addGlobalOptions(new Command('agentbox'))
    .description('agentbox — a portable, secure runtime for AI agents')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', epilog);
  registerRunCommand(program);
  registerChatCommand(program);
  registerPromptCommands(program);
  registerSessionCommands(program);
  registerToolCommands(program);
  registerMcpCommands(program);
  registerWasmCommands(program);
  registerWorkflowCommands(program);
  registerConfigCommands(program);
  registerStatusCommand(program);
  registerServeCommand(program);
  registerAuthCommands(program, () => new CliContext(program).loadConfig());
  return program;
}
