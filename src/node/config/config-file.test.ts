import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/config-error.js';
import { findConfigFile, loadConfig, loadConfigFile } from './config-file.js';

const root = mkdtempSync(join(tmpdir(), 'agentbox-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh directory holding the given files. */
function project(files: Record<string, string>): string {
  const dir = join(root, `p${++counter}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const same = { llm: { model: 'qwen', timeoutMs: 9_000 }, agent: { tools: ['fs_read'] }, log: { level: 'info' } };

describe('config files', () => {
  it('reads the same settings from JSON, YAML and TOML', async () => {
    const sources: Record<string, string> = {
      'agentbox.config.json': JSON.stringify(same),
      'agentbox.config.yaml': 'llm:\n  model: qwen\n  timeoutMs: 9000\nagent:\n  tools: [fs_read]\nlog:\n  level: info\n',
      'agentbox.config.yml': 'llm: { model: qwen, timeoutMs: 9000 }\nagent: { tools: [fs_read] }\nlog: { level: info }\n',
      'agentbox.config.toml': '[llm]\nmodel = "qwen"\ntimeoutMs = 9000\n\n[agent]\ntools = ["fs_read"]\n\n[log]\nlevel = "info"\n',
      '.agentboxrc.json': JSON.stringify(same),
    };
    for (const [name, text] of Object.entries(sources)) {
      const cwd = project({ [name]: text });
      expect(findConfigFile(cwd)).toBe(join(cwd, name));
      const config = await loadConfig({ cwd, env: {} });
      expect(config).toMatchObject(same);
    }
  });

  it('finds files in the documented order and nothing in an empty directory', () => {
    const cwd = project({ 'agentbox.config.toml': '', 'agentbox.config.yaml': '', '.agentboxrc.json': '{}' });
    expect(findConfigFile(cwd)).toBe(join(cwd, 'agentbox.config.yaml'));
    expect(findConfigFile(project({}))).toBeUndefined();
  });

  it('reads ~/ in paths as the home folder and other relative paths as relative to the file', async () => {
    const dir = project({ 'agentbox.config.yaml': 'store:\n  path: ~/.agentbox/sessions.db\ntools:\n  fs:\n    fsRoots: [{ path: data }]\n' });
    const config = await loadConfig({ cwd: dir, env: {}, flags: {} });
    expect(config.store.path).toBe(join(homedir(), '.agentbox/sessions.db'));
    expect(config.tools.fs?.fsRoots[0]?.path).toBe(join(dir, 'data'));
  });

  it('applies file < environment < flags', async () => {
    const cwd = project({ 'agentbox.config.yaml': 'llm:\n  model: from-file\n  maxRetries: 1\n  timeoutMs: 1000\n' });
    const config = await loadConfig({
      cwd,
      env: { AGENTBOX_MODEL: 'from-env', AGENTBOX_MAX_RETRIES: '2' },
      flags: { llm: { model: 'from-flags' } },
    });
    expect(config.llm).toMatchObject({ model: 'from-flags', maxRetries: 2, timeoutMs: 1_000 });
  });

  it('uses defaults with no file, but an explicit missing --config is an error naming it', async () => {
    const cwd = project({});
    expect((await loadConfig({ cwd, env: {} })).store.kind).toBe('sqlite');
    const error = await configError(loadConfig({ cwd, configPath: 'missing.yaml', env: {} }));
    expect(error.source).toBe(join(cwd, 'missing.yaml'));
    expect(error.message).toContain('config file not found');
  });

  it('takes the file from --config over AGENTBOX_CONFIG over the default file', async () => {
    const cwd = project({
      'agentbox.config.json': '{"llm": {"model": "default"}}',
      'env.toml': 'llm.model = "env"',
      'flag.yml': 'llm: {model: flag}',
    });
    expect((await loadConfig({ cwd, env: {} })).llm.model).toBe('default');
    expect((await loadConfig({ cwd, env: { AGENTBOX_CONFIG: 'env.toml' } })).llm.model).toBe('env');
    expect((await loadConfig({ cwd, configPath: 'flag.yml', env: { AGENTBOX_CONFIG: 'env.toml' } })).llm.model).toBe('flag');
  });

  it('names an unknown key and the file it is in', async () => {
    const cwd = project({ 'agentbox.config.toml': '[llm]\nmodel = "m"\napi_key = "sk-x"\n' });
    const error = await configError(loadConfig({ cwd, env: {} }));
    expect(error.source).toBe(join(cwd, 'agentbox.config.toml'));
    expect(error.issues).toEqual([{ path: 'llm.api_key', message: 'unknown key (did you mean "apiKey"?)' }]);
    expect(error.message).toContain(`invalid configuration in ${join(cwd, 'agentbox.config.toml')}`);
  });

  it('names a value of the wrong type', async () => {
    const cwd = project({ 'agentbox.config.yaml': 'agent:\n  maxSteps: lots\n' });
    const error = await configError(loadConfig({ cwd, env: {} }));
    expect(error.issues[0]).toMatchObject({ path: 'agent.maxSteps' });
    expect(error.issues[0]?.message).toMatch(/expected number/);
  });

  it('rejects a non-numeric AGENTBOX_MAX_STEPS, naming the variable', async () => {
    const error = await configError(loadConfig({ cwd: project({}), env: { AGENTBOX_MAX_STEPS: 'many' } }));
    expect(error.source).toBe('environment');
    expect(error.message).toContain('AGENTBOX_MAX_STEPS must be a number, got "many"');
  });

  it('reports syntax errors with the file, line and column, and leaves the file alone', async () => {
    const broken: Record<string, [string, RegExp]> = {
      'agentbox.config.json': ['{\n  "llm": {\n    "model": "m",\n  }\n}\n', /line 4, column 3/],
      // Duplicate keys are an error, not "last one wins".
      'agentbox.config.yaml': ['llm:\n  model: m\n  model: n\n', /line 3, column 3: Map keys must be unique$/],
      'agentbox.config.toml': ['[llm]\nmodel = "m"\ntimeoutMs = = 5\n', /line 3, column \d+/],
    };
    for (const [name, [text, where]] of Object.entries(broken)) {
      const cwd = project({ [name]: text });
      const error = await configError(loadConfig({ cwd, env: {} }));
      expect(error.source).toBe(join(cwd, name));
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.message).toMatch(/^syntax error at /);
      expect(error.issues[0]?.message).toMatch(where);
      expect(readFileSync(join(cwd, name), 'utf8')).toBe(text);
    }
  });

  it('treats an empty file as an empty config and rejects an unsupported extension', async () => {
    const cwd = project({ 'agentbox.config.json': '  \n', 'settings.ini': 'a=1' });
    expect((await loadConfig({ cwd, env: {} })).log.level).toBe('warn');
    const error = await configError(loadConfigFile(join(cwd, 'settings.ini')));
    expect(error.issues[0]?.message).toContain('unsupported config file type ".ini"');
  });

  it('resolves a relative store.path against the config file, not the working directory', async () => {
    const dir = project({ 'agentbox.config.json': '{"store": {"path": "data/sessions.db"}}' });
    const config = await loadConfig({ cwd: root, configPath: join(dir, 'agentbox.config.json'), env: {} });
    expect(config.store.path).toBe(join(dir, 'data', 'sessions.db'));
    const memory = await loadConfig({ cwd: project({ 'agentbox.config.json': '{"store": {"path": ":memory:"}}' }), env: {} });
    expect(memory.store.path).toBe(':memory:');
  });
});
