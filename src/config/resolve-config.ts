import type { z } from 'zod';
import { tooDeep } from '../engine/nesting-depth.js';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { settingsFromEnvironment } from './config-environment.js';
import { configSchema, type AgentboxConfig, type AgentboxConfigInput } from './config-schema.js';
import { suggestKey } from './suggest-key.js';
import { isPlainObject, mergeConfigLayers, provenanceOf, type ConfigLayer, type MergedConfig } from './merge-config-layers.js';

/**
 * How deeply a config layer may nest (the top object is level 1). Real configs stay under
 * 10; the limit only has to stop hostile files before merging and validation recurse into
 * them (5,000 levels overflowed the stack).
 */
export const maxConfigDepth = 64;

export interface ResolveConfigOptions {
  /** A parsed config file; `source` (its path) names it in errors. */
  file?: { data: unknown; source: string };
  env?: Record<string, string | undefined>;
  /** From command-line flags; `undefined` values are ignored. */
  flags?: AgentboxConfigInput;
}

/**
 * The effective configuration: file < environment < flags, deep-merged, then validated.
 * Throws ConfigError naming every bad key (dotted) and where its value came from: the
 * file's path, "environment" (and the variable) or "flags".
 *
 * @example
 * const config = resolveConfig({ file: { data: parsed, source: 'agentbox.config.yaml' }, env: process.env });
 */
export function resolveConfig(options: ResolveConfigOptions = {}): AgentboxConfig {
  const layers: ConfigLayer[] = [];
  if (options.file) layers.push(fileLayer(options.file.data, options.file.source));
  if (options.env) layers.push(environmentLayer(options.env));
  if (options.flags !== undefined) {
    if (!isPlainObject(options.flags)) {
      throw new ConfigError([{ path: '', message: 'flags must be an object' }], 'flags');
    }
    layers.push({ source: 'flags', data: options.flags });
  }
  for (const layer of layers) refuseDeepNesting(layer);
  const merged = mergeConfigLayers(layers);
  const result = configSchema.safeParse(merged.data);
  if (result.success) return result.data;
  throw configErrorFrom(
    result.error.issues,
    merged,
    layers.map((layer) => layer.source),
  );
}

function fileLayer(data: unknown, source: string): ConfigLayer {
  // An empty YAML or TOML file parses to null/undefined: same as an empty object.
  if (data === null || data === undefined) return { source, data: {} };
  if (!isPlainObject(data)) {
    const kind = Array.isArray(data) ? 'a list' : typeof data;
    throw new ConfigError([{ path: '', message: `expected an object of settings at the top level, got ${kind}` }], source);
  }
  return { source, data };
}

function refuseDeepNesting(layer: ConfigLayer): void {
  const path = tooDeep(layer.data, maxConfigDepth);
  if (!path) return;
  // The section it is in, not the whole path: that can be thousands of keys long.
  throw new ConfigError([{ path: String(path[0]), message: `nested more than ${maxConfigDepth} levels deep` }], layer.source);
}

function environmentLayer(env: Record<string, string | undefined>): ConfigLayer {
  const data: Record<string, unknown> = {};
  const variables = new Map<string, string>();
  for (const setting of settingsFromEnvironment(env)) {
    const [section, key] = setting.path.split('.') as [string, string];
    const inner = (data[section] ??= {}) as Record<string, unknown>;
    inner[key] = setting.value;
    variables.set(setting.path, setting.variable);
  }
  return { source: 'environment', data, variables };
}

interface LocatedIssue extends ConfigIssue {
  source: string | undefined;
}

function configErrorFrom(zodIssues: readonly z.core.$ZodIssue[], merged: MergedConfig, layerOrder: readonly string[]): ConfigError {
  const located: LocatedIssue[] = [];
  for (const issue of zodIssues) {
    const parent = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // One issue per key, so each names its own full path and where it was written.
      for (const key of issue.keys) {
        const path = parent ? `${parent}.${key}` : key;
        const hint = suggestKey(parent, key);
        located.push(locate(merged, path, `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`));
      }
    } else {
      located.push(locate(merged, parent, issue.message));
    }
  }
  const sources = layerOrder.filter((source) => located.some((issue) => issue.source === source));
  const issues = located.map(({ path, message, source }) => ({
    path,
    // With several sources the error's `source` cannot say which issue came from where.
    message: sources.length > 1 && source ? `${message} (from ${source})` : message,
  }));
  return new ConfigError(issues, sources.length > 0 ? sources.join(', ') : undefined);
}

function locate(merged: MergedConfig, path: string, message: string): LocatedIssue {
  const origin = provenanceOf(merged, path);
  return {
    path,
    message: origin?.variable ? `${message} (set by ${origin.variable})` : message,
    source: origin?.source,
  };
}
