import type { AgentboxConfig } from '../config/config-schema.js';
import { MemorySessionStore } from '../store/memory-session-store.js';
import type { SessionStore } from '../store/session-store.js';
import { defaultStorePath } from './default-store-path.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

/**
 * The store a Node process should use for `config.store`: SQLite at `store.path` (default
 * `~/.agentbox/sessions.db`), or memory.
 *
 * @example
 * const store = openSessionStore((await loadConfig({ cwd, env: process.env })).store);
 */
export function openSessionStore(
  store: AgentboxConfig['store'],
  env: Record<string, string | undefined> = process.env,
): SessionStore {
  if (store.kind === 'memory' || store.path === ':memory:') return new MemorySessionStore();
  return SqliteSessionStore.open(store.path ?? defaultStorePath(env));
}
