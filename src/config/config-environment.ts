import { ConfigError } from '../errors/config-error.js';

/** How one environment variable maps onto the configuration. */
export interface ConfigEnvironmentVariable {
  name: string;
  /** Dotted config key it sets. */
  path: string;
  kind: 'string' | 'integer' | 'store';
  description: string;
}

/**
 * Every environment variable agentbox reads, in the order applied: a later row wins over an
 * earlier one setting the same key, so `AGENTBOX_*` overrides the `OPENAI_*` convention.
 * Exported for the README and `agentbox config show`. An empty value counts as unset.
 */
export const configEnvironmentVariables: readonly ConfigEnvironmentVariable[] = [
  { name: 'OPENAI_BASE_URL', path: 'llm.baseUrl', kind: 'string', description: 'OpenAI-compatible base URL, including /v1' },
  { name: 'OPENAI_API_KEY', path: 'llm.apiKey', kind: 'string', description: 'API key for the LLM endpoint' },
  { name: 'AGENTBOX_BASE_URL', path: 'llm.baseUrl', kind: 'string', description: 'Overrides OPENAI_BASE_URL' },
  { name: 'AGENTBOX_API_KEY', path: 'llm.apiKey', kind: 'string', description: 'Overrides OPENAI_API_KEY' },
  { name: 'AGENTBOX_MODEL', path: 'llm.model', kind: 'string', description: 'Model id' },
  { name: 'AGENTBOX_TIMEOUT_MS', path: 'llm.timeoutMs', kind: 'integer', description: 'LLM request timeout (ms)' },
  { name: 'AGENTBOX_MAX_RETRIES', path: 'llm.maxRetries', kind: 'integer', description: 'LLM retries on 429/5xx' },
  { name: 'AGENTBOX_MAX_STEPS', path: 'agent.maxSteps', kind: 'integer', description: 'Max LLM steps per turn' },
  { name: 'AGENTBOX_SYSTEM', path: 'agent.system', kind: 'string', description: 'System prompt' },
  {
    name: 'AGENTBOX_STORE',
    path: 'store.path',
    kind: 'store',
    description: 'SQLite file for sessions; ":memory:" or "memory" keeps them in memory',
  },
  { name: 'AGENTBOX_LOG_LEVEL', path: 'log.level', kind: 'string', description: 'silent|fatal|error|warn|info|debug|trace' },
];

/** One config value set from the environment, with the variable that set it. */
export interface EnvironmentSetting {
  path: string;
  value: unknown;
  variable: string;
}

/**
 * Reads the mapped variables into settings. A number that does not parse is a ConfigError
 * naming the variable (the schema then checks range and integrality, naming it too).
 */
export function settingsFromEnvironment(env: Record<string, string | undefined>): EnvironmentSetting[] {
  const settings: EnvironmentSetting[] = [];
  for (const variable of configEnvironmentVariables) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    if (variable.kind === 'integer') {
      const value = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(value)) {
        throw new ConfigError([{ path: variable.path, message: `${variable.name} must be a number, got ${JSON.stringify(raw)}` }], 'environment');
      }
      settings.push({ path: variable.path, value, variable: variable.name });
    } else if (variable.kind === 'store') {
      const memory = raw === ':memory:' || raw === 'memory';
      settings.push({ path: 'store.kind', value: memory ? 'memory' : 'sqlite', variable: variable.name });
      if (!memory) settings.push({ path: 'store.path', value: raw, variable: variable.name });
    } else {
      settings.push({ path: variable.path, value: raw, variable: variable.name });
    }
  }
  return settings;
}
