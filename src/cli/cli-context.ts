import type { Command } from 'commander';
import type { AgentboxConfig, AgentboxConfigInput } from '../config/config-schema.js';
import type { Logger } from '../node/log/logger.js';
import type { NodeRuntime } from '../node/runtime/node-runtime.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  config?: string;
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  store?: string;
  maxSteps?: number;
  system?: string;
  verbose?: boolean;
  logLevel?: string;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('-c, --config <file>', 'config file (JSON, YAML or TOML); default: agentbox.config.* in the working directory')
    .option('--base-url <url>', 'OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (env OPENAI_BASE_URL)')
    .option('--api-key <key>', 'API key for the endpoint (env OPENAI_API_KEY)')
    .option('-m, --model <name>', 'model name (env AGENTBOX_MODEL)')
    .option('--store <path>', 'SQLite session file, or :memory: (env AGENTBOX_STORE; default ~/.agentbox/sessions.db)')
    .option('--max-steps <n>', 'model calls per turn before giving up (env AGENTBOX_MAX_STEPS)', parsePositiveInt)
    .option('--system <text>', 'system prompt for new sessions (env AGENTBOX_SYSTEM)')
    .option('-v, --verbose', 'log what happens (debug level) on stderr')
    .option('--log-level <level>', 'silent | error | warn | info | debug | trace (env AGENTBOX_LOG_LEVEL)');
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got '${value}'`);
  return n;
}

/** Flags as a config layer: the highest precedence, above the environment and the file. */
export function flagsToConfig(options: GlobalOptions): AgentboxConfigInput {
  const llm: Record<string, unknown> = {};
  if (options.baseUrl) llm.baseUrl = options.baseUrl;
  if (options.apiKey) llm.apiKey = options.apiKey;
  if (options.model) llm.model = options.model;
  const agent: Record<string, unknown> = {};
  if (options.maxSteps !== undefined) agent.maxSteps = options.maxSteps;
  if (options.system !== undefined) agent.system = options.system;
  const flags: Record<string, unknown> = {};
  if (Object.keys(llm).length) flags.llm = llm;
  if (Object.keys(agent).length) flags.agent = agent;
  if (options.store) flags.store = options.store === ':memory:' ? { kind: 'memory' } : { kind: 'sqlite', path: options.store };
  const level = options.verbose ? 'debug' : options.logLevel;
  if (level) flags.log = { level };
  return flags as AgentboxConfigInput;
}

/** Lazily loads config, logger and runtime for one command invocation. */
export class CliContext {
  private config: Promise<AgentboxConfig> | undefined;
  private runtime: Promise<NodeRuntime> | undefined;
  private logger: Logger | undefined;

  constructor(
    private readonly command: Command,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  get options(): GlobalOptions {
    return this.command.optsWithGlobals<GlobalOptions>();
  }

  // What a command needs is imported when it first needs it: `agentbox --help` and the
  // commands that open no runtime skip the runtime, the store and the sandboxes.
  loadConfig(): Promise<AgentboxConfig> {
    const { config } = this.options;
    this.config ??= import('../node/config/config-file.js').then(({ loadConfig }) =>
      loadConfig({ cwd: process.cwd(), ...(config ? { configPath: config } : {}), env: this.env, flags: flagsToConfig(this.options) }),
    );
    return this.config;
  }

  async log(): Promise<Logger> {
    const level = (await this.loadConfig()).log.level;
    if (!this.logger) {
      const { createLogger } = await import('../node/log/logger.js');
      this.logger ??= createLogger(level);
    }
    return this.logger;
  }

  openRuntime(): Promise<NodeRuntime> {
    this.runtime ??= this.loadConfig().then(async (config) => {
      const [{ NodeRuntime }, { logEvents }, { redactConfig }] = await Promise.all([
        import('../node/runtime/node-runtime.js'),
        import('../node/log/log-events.js'),
        import('../config/redact-config.js'),
      ]);
      const runtime = await NodeRuntime.init(config);
      const logger = await this.log();
      logger.debug({ llm: redactConfig(config).llm, store: config.store, tools: runtime.tools.list().map((t) => t.name) }, 'runtime ready');
      logEvents(runtime.bus, logger);
      return runtime;
    });
    return this.runtime;
  }

  async close(): Promise<void> {
    if (this.runtime) await (await this.runtime).close();
  }
}
