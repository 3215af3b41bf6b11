import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the SQLite session store lives unless configured: `$AGENTBOX_HOME/sessions.db`, or
 * `~/.agentbox/sessions.db`.
 */
export function defaultStorePath(env: Record<string, string | undefined> = process.env): string {
  const home = env.AGENTBOX_HOME;
  return home ? join(home, 'sessions.db') : join(homedir(), '.agentbox', 'sessions.db');
}
