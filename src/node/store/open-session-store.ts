import type { AgentboxConfig } from '../../config/config-schema.js';
import { MemorySessionStore } from '../../store/memory-session-store.js';
import type { SessionStore } from '../../store/session-store.js';
import { defaultStorePath } from './default-store-path.js';

/**
 * The one way a Node process opens the store `config.store` names: SQLite at `store.path`
 * (default `~/.agentbox/sessions.db`; `:memory:` is the memory store), or memory. SQLite
 * (a native module) is loaded only when it is used.
 *
 * @example
 * const store = await openSessionStore((await loadConfig({ cwd, env: process.env })).store);
 */
export async function openSessionStore(store: AgentboxConfig['store'], env: Record<string, string | undefined> = process.env): Promise<SessionStore> {
  if (store.kind === 'memory' || store.path === ':memory:') return new MemorySessionStore();
  const { SqliteSessionStore } = await import('./sqlite-session-store.js');
  return SqliteSessionStore.open(store.path ?? defaultStorePath(env));
}
