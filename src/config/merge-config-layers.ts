/** Where a config value came from: a file path, "environment" or "flags". */
export interface ConfigProvenance {
  source: string;
  /** The environment variable, for values from the environment. */
  variable?: string;
}

export interface ConfigLayer {
  source: string;
  data: Record<string, unknown>;
  /** Per-key variable names (environment layer). */
  variables?: ReadonlyMap<string, string>;
}

export interface MergedConfig {
  data: Record<string, unknown>;
  /** Dotted key → who set it. Only keys set by a layer; see `provenanceOf`. */
  provenance: Map<string, ConfigProvenance>;
}

/**
 * Deep-merges layers, later over earlier: objects merge key by key, anything else
 * (arrays included) replaces. `undefined` is skipped so unset CLI flags override nothing.
 */
export function mergeConfigLayers(layers: readonly ConfigLayer[]): MergedConfig {
  const merged: MergedConfig = { data: {}, provenance: new Map() };
  for (const layer of layers) mergeInto(merged, merged.data, layer.data, layer, '');
  return merged;
}

/** Who set `path`, or the nearest enclosing key someone set (a whole object replaced). */
export function provenanceOf(merged: MergedConfig, path: string): ConfigProvenance | undefined {
  for (let key = path; ; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    const found = merged.provenance.get(key);
    if (found || key === '') return found;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function mergeInto(merged: MergedConfig, target: Record<string, unknown>, source: Record<string, unknown>, layer: ConfigLayer, prefix: string): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const current = Object.hasOwn(target, key) ? target[key] : undefined;
    if (isPlainObject(value) && isPlainObject(current)) {
      mergeInto(merged, current, value, layer, path);
      continue;
    }
    // defineProperty, not assignment: a "__proto__" key from a file must stay an ordinary
    // (and therefore unknown, rejected) key, never become the object's prototype.
    const replacement = isPlainObject(value) ? {} : copy(value);
    Object.defineProperty(target, key, { value: replacement, enumerable: true, writable: true, configurable: true });
    for (const known of [...merged.provenance.keys()]) {
      if (known.startsWith(`${path}.`)) merged.provenance.delete(known);
    }
    const variable = layer.variables?.get(path);
    merged.provenance.set(path, variable ? { source: layer.source, variable } : { source: layer.source });
    // Recurse into a new object rather than copying it whole, so each leaf records its own
    // provenance (an environment value names its variable).
    if (isPlainObject(value)) mergeInto(merged, replacement as Record<string, unknown>, value, layer, path);
  }
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: copy(inner), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
