import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../errors/config-error.js';
import type { AgentboxConfig, AgentboxConfigInput } from '../../config/config-schema.js';
import { isPlainObject } from '../../config/merge-config-layers.js';
import { resolveConfig } from '../../config/resolve-config.js';

/** Looked for in this order in the working directory; the first that exists wins. */
export const configFileNames = ['agentbox.config.json', 'agentbox.config.yaml', 'agentbox.config.yml', 'agentbox.config.toml', '.agentboxrc.json'] as const;

export interface ConfigFile {
  /** Absolute path: what errors name. */
  source: string;
  data: unknown;
}

/** The first config file present in `cwd`, or undefined. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of configFileNames) {
    const path = join(cwd, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  return undefined;
}

/**
 * Reads and parses a config file by extension (.json, .yaml/.yml, .toml). Any failure is a
 * ConfigError naming the file; a syntax error also names the line and column.
 */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  const source = resolve(path);
  const parse = parserFor(source);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'config file not found' : `cannot read config file: ${(error as Error).message}`;
    throw new ConfigError([{ path: '', message }], source);
  }
  // An empty file is an empty config in every format (JSON.parse('') would be an error).
  if (text.trim() === '') return { source, data: {} };
  try {
    return { source, data: await parse(text) };
  } catch (error) {
    throw new ConfigError([{ path: '', message: syntaxMessage(error, text) }], source);
  }
}

export interface LoadConfigOptions {
  cwd: string;
  /** `--config`: must exist. Else `AGENTBOX_CONFIG`, else a default file in `cwd` if any. */
  configPath?: string;
  env?: Record<string, string | undefined>;
  flags?: AgentboxConfigInput;
}

/** The config file `loadConfig` would read, or undefined when there is none. */
export function locateConfigFile(options: LoadConfigOptions): string | undefined {
  const explicit = options.configPath ?? (options.env?.AGENTBOX_CONFIG || undefined);
  return explicit === undefined ? findConfigFile(options.cwd) : resolve(options.cwd, explicit);
}

/**
 * The effective configuration for a Node process: config file < environment < flags.
 * A relative `store.path` in a file is relative to that file, not to the working directory.
 *
 * @example
 * const config = await loadConfig({ cwd: process.cwd(), configPath: opts.config, env: process.env, flags });
 */
export async function loadConfig(options: LoadConfigOptions): Promise<AgentboxConfig> {
  const path = locateConfigFile(options);
  const file = path === undefined ? undefined : await loadConfigFile(path);
  if (file) anchorStorePath(file);
  return resolveConfig({
    ...(file ? { file } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.flags ? { flags: options.flags } : {}),
  });
}

// The YAML and TOML parsers are loaded only for a file that needs them (cold start).
function parserFor(path: string): (text: string) => Promise<unknown> {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return async (text) => JSON.parse(text) as unknown;
  if (extension === '.yaml' || extension === '.yml') return async (text) => (await import('yaml')).parse(text) as unknown;
  if (extension === '.toml') return async (text) => (await import('smol-toml')).parse(text);
  throw new ConfigError([{ path: '', message: `unsupported config file type "${extension}": use .json, .yaml, .yml or .toml` }], path);
}

function syntaxMessage(error: unknown, text: string): string {
  const where = (line: number, column: number) => `syntax error at line ${line}, column ${column}`;
  // The YAML parser recurses per nesting level: a hostile file overflows its stack (it
  // reports that as a YAMLError at the spot). Say what is wrong, not how it broke.
  if (error instanceof RangeError || (error instanceof Error && /Maximum call stack/.test(error.message))) return 'nested too deeply to parse';
  const first = (message: string) => (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  // Recognized by shape: the parsers' classes are loaded lazily.
  const yamlAt = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
  if (error instanceof Error && /^YAML/.test(error.name) && yamlAt) {
    return `${where(yamlAt.line, yamlAt.col)}: ${first(error.message)}`;
  }
  if (error instanceof Error && error.constructor.name === 'TomlError') {
    const { line, column } = error as Error & { line: number; column: number };
    return `${where(line, column)}: ${first(error.message).replace(/^Invalid TOML document: /, '')}`;
  }
  if (error instanceof SyntaxError) {
    // V8 reports an offset ("at position 11"); turn it into the line and column people read.
    const position = /position (\d+)/.exec(error.message);
    const message = error.message.replace(/ in JSON at position \d+.*$/, '');
    if (!position) return `syntax error: ${message}`;
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return `${where(line, before.length - before.lastIndexOf('\n'))}: ${message}`;
  }
  return `cannot parse: ${error instanceof Error ? error.message : String(error)}`;
}

function anchorStorePath(file: ConfigFile): void {
  if (!isPlainObject(file.data)) return;
  const base = dirname(file.source);
  const anchor = (holder: unknown, key: string): void => {
    if (!isPlainObject(holder)) return;
    const path = holder[key];
    if (typeof path !== 'string' || path === '' || path === ':memory:') return;
    // `~/…` means the home folder, as a user writing the file expects; other relative paths
    // are relative to the file.
    if (path === '~' || path.startsWith('~/')) holder[key] = join(homedir(), path.slice(1));
    else if (!isAbsolute(path)) holder[key] = resolve(base, path);
  };
  anchor(file.data.store, 'path');
  const tools = file.data.tools;
  if (!isPlainObject(tools)) return;
  for (const entry of Array.isArray(tools.wasm) ? tools.wasm : []) {
    anchor(entry, 'manifest');
    anchor(entry, 'module');
  }
  for (const entry of Array.isArray(tools.scripts) ? tools.scripts : []) anchor(entry, 'manifest');
  const roots = isPlainObject(tools.fs) && Array.isArray(tools.fs.fsRoots) ? tools.fs.fsRoots : [];
  for (const root of roots) anchor(root, 'path');
  // An MCP server's cwd only: its command is looked up on PATH, as in a shell.
  const servers = isPlainObject(tools.mcp) && isPlainObject(tools.mcp.servers) ? Object.values(tools.mcp.servers) : [];
  for (const server of servers) anchor(server, 'cwd');
}
