import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { configEnvironmentVariables } from './config-environment.js';
import { resolveConfig } from './resolve-config.js';

/** Runs `fn`, expecting a ConfigError, and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('gives every default from nothing', () => {
    expect(resolveConfig()).toMatchObject({
      llm: { timeoutMs: 120_000, maxRetries: 3 },
      agent: { maxSteps: 10, toolTimeoutMs: 30_000 },
      store: { kind: 'sqlite' },
      log: { level: 'warn' },
    });
  });

  it('merges file < environment < flags, key by key', () => {
    const config = resolveConfig({
      file: {
        source: '/etc/agentbox.yaml',
        data: { llm: { model: 'file-model', apiKey: 'file-key', timeoutMs: 1_000 }, agent: { tools: ['a', 'b'] } },
      },
      env: { AGENTBOX_MODEL: 'env-model', AGENTBOX_TIMEOUT_MS: '2000', AGENTBOX_MAX_STEPS: '7' },
      flags: { llm: { model: 'flag-model', temperature: undefined }, agent: { tools: ['c'] } },
    });
    expect(config.llm).toEqual({ model: 'flag-model', apiKey: 'file-key', timeoutMs: 2_000, maxRetries: 3, structuredOutput: 'json_schema' });
    // Arrays replace rather than concatenate: a flag list is the whole list.
    expect(config.agent).toEqual({ tools: ['c'], maxSteps: 7, toolTimeoutMs: 30_000, context: { lowWater: 0.6, summarize: false, summaryMaxTokens: 512 } });
  });

  it('maps every documented variable, AGENTBOX_* over OPENAI_*', () => {
    const config = resolveConfig({
      env: {
        OPENAI_BASE_URL: 'http://openai.example/v1',
        OPENAI_API_KEY: 'sk-openai',
        AGENTBOX_BASE_URL: 'http://127.0.0.1:11434/v1',
        AGENTBOX_API_KEY: '',
        AGENTBOX_MODEL: 'llama3',
        AGENTBOX_TIMEOUT_MS: ' 5000 ',
        AGENTBOX_MAX_RETRIES: '0',
        AGENTBOX_MAX_STEPS: '3',
        AGENTBOX_SYSTEM: 'You are terse.',
        AGENTBOX_STORE: '/data/s.db',
        AGENTBOX_LOG_LEVEL: 'debug',
      },
    });
    expect(config).toMatchObject({
      // An empty AGENTBOX_API_KEY counts as unset, so OPENAI_API_KEY stays.
      llm: { baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-openai', model: 'llama3', timeoutMs: 5_000, maxRetries: 0 },
      agent: { system: 'You are terse.', maxSteps: 3, toolTimeoutMs: 30_000 },
      store: { kind: 'sqlite', path: '/data/s.db' },
      log: { level: 'debug' },
    });
    expect(configEnvironmentVariables.map((v) => v.name)).toContain('AGENTBOX_LOG_LEVEL');
  });

  it('maps AGENTBOX_STORE=:memory: or memory to the memory store, over a file path', () => {
    for (const value of [':memory:', 'memory']) {
      const config = resolveConfig({
        file: { source: 'f.json', data: { store: { kind: 'sqlite' } } },
        env: { AGENTBOX_STORE: value },
      });
      expect(config.store).toEqual({ kind: 'memory' });
    }
  });

  it('names an unknown key, its dotted path and the file, with a suggestion', () => {
    const error = configError(() => resolveConfig({ file: { source: '/home/u/agentbox.config.json', data: { llm: { modle: 'x' }, extra: 1 } } }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.source).toBe('/home/u/agentbox.config.json');
    expect(error.issues).toEqual([
      { path: 'llm.modle', message: 'unknown key (did you mean "model"?)' },
      { path: 'extra', message: 'unknown key' },
    ]);
    expect(error.message).toContain('in /home/u/agentbox.config.json');
    expect(error.message).toContain('llm.modle');
  });

  it('names a renamed key by its new name', () => {
    const error = configError(() => resolveConfig({ file: { source: 'agentbox.yaml', data: { tools: { fs: { roots: [{ path: '/srv' }] } } } } }));
    expect(error.issues).toContainEqual({ path: 'tools.fs.roots', message: '`roots` was renamed to `fsRoots`' });
    expect(resolveConfig({ file: { source: 'agentbox.yaml', data: { tools: { fs: { fsRoots: [{ path: '/srv' }] } } } } }).tools.fs).toEqual({
      fsRoots: [{ path: '/srv', write: false }],
    });
  });

  it('names a wrong type and where it came from', () => {
    const error = configError(() => resolveConfig({ file: { source: 'a.toml', data: { agent: { maxSteps: 'ten' }, llm: 'x' } } }));
    expect(error.source).toBe('a.toml');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['agent.maxSteps', 'llm']);
    expect(error.issues.find((i) => i.path === 'agent.maxSteps')?.message).toMatch(/expected number/);
  });

  it('blames the layer that set the bad value, not the file', () => {
    const fromFlags = configError(() => resolveConfig({ file: { source: 'a.json', data: { llm: { maxRetries: 2 } } }, flags: { llm: { maxRetries: 99 } } }));
    expect(fromFlags.source).toBe('flags');
    expect(fromFlags.issues[0]?.path).toBe('llm.maxRetries');

    const fromEnv = configError(() => resolveConfig({ env: { AGENTBOX_MAX_STEPS: '2.5' } }));
    expect(fromEnv.source).toBe('environment');
    expect(fromEnv.issues[0]).toMatchObject({ path: 'agent.maxSteps' });
    expect(fromEnv.issues[0]?.message).toContain('AGENTBOX_MAX_STEPS');

    const mixed = configError(() => resolveConfig({ file: { source: 'a.json', data: { log: { level: 'loud' } } }, env: { AGENTBOX_BASE_URL: 'ftp://x' } }));
    expect(mixed.source).toBe('a.json, environment');
    expect(mixed.issues.find((i) => i.path === 'log.level')?.message).toMatch(/\(from a\.json\)$/);
    expect(mixed.issues.find((i) => i.path === 'llm.baseUrl')?.message).toContain('AGENTBOX_BASE_URL');
  });

  it('rejects a non-numeric number variable, naming it', () => {
    for (const value of ['abc', '12ms', '  ']) {
      const error = configError(() => resolveConfig({ env: { AGENTBOX_TIMEOUT_MS: value } }));
      expect(error.source).toBe('environment');
      expect(error.issues).toEqual([{ path: 'llm.timeoutMs', message: `AGENTBOX_TIMEOUT_MS must be a number, got ${JSON.stringify(value)}` }]);
    }
  });

  it('rejects a file whose top level is not an object, and treats an empty one as {}', () => {
    const error = configError(() => resolveConfig({ file: { source: 'list.yaml', data: ['a'] } }));
    expect(error.source).toBe('list.yaml');
    expect(error.issues[0]?.message).toContain('got a list');
    expect(resolveConfig({ file: { source: 'empty.yaml', data: null } }).log.level).toBe('warn');
  });

  it('keeps a "__proto__" key an unknown key instead of a prototype', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "log": {"level": "info"}}') as unknown;
    const error = configError(() => resolveConfig({ file: { source: 'evil.json', data } }));
    expect(error.issues).toEqual([{ path: '__proto__', message: 'unknown key' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not mutate its inputs', () => {
    const data = { llm: { model: 'm' } };
    const flags = { llm: { maxRetries: 1 } };
    resolveConfig({ file: { source: 'f.json', data }, env: { AGENTBOX_MODEL: 'e' }, flags });
    expect(data).toEqual({ llm: { model: 'm' } });
    expect(flags).toEqual({ llm: { maxRetries: 1 } });
  });

  it('takes llm.contextWindow and llm.maxOutputTokens, and names a bad one', () => {
    expect(resolveConfig({ flags: { llm: { contextWindow: 4096, maxOutputTokens: 512 } } }).llm).toMatchObject({ contextWindow: 4096, maxOutputTokens: 512 });
    const error = configError(() => resolveConfig({ file: { source: 'agentbox.yaml', data: { llm: { contextWindow: 10, maxOutputTokens: -1 } } } }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['llm.contextWindow', 'llm.maxOutputTokens']);
  });
});
