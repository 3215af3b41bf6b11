import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AgentboxError } from '../../errors/agentbox-error.js';
import type { McpOAuthRecord, McpTokenKey, McpTokenStore } from '../../mcp/oauth/mcp-token-store.js';
import { defaultStorePath } from '../store/default-store-path.js';

interface TokenFile {
  version: 1;
  /** server → principal → record */
  servers: Record<string, Record<string, McpOAuthRecord>>;
}

/** Beside the default session database: `$AGENTBOX_HOME/mcp-tokens.json` or `~/.agentbox/mcp-tokens.json`. */
export function defaultMcpTokenPath(env: Record<string, string | undefined> = process.env): string {
  return join(dirname(defaultStorePath(env)), 'mcp-tokens.json');
}

/**
 * MCP OAuth grants in one JSON file readable only by its owner (0600, in a 0700 folder when
 * it creates it), like `~/.ssh`. Each write goes to a new 0600 file renamed over the old one,
 * so a crash leaves the old file or the new one, never half of either, and the file is never
 * readable by others even for a moment. Writes from one process are serialized; two
 * processes writing at once keep the last writer's file whole.
 *
 * @example
 * const store = new FileMcpTokenStore(defaultMcpTokenPath());
 * await store.delete({ server: 'github', principal: 'cli' });
 */
export class FileMcpTokenStore implements McpTokenStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  async get(key: McpTokenKey): Promise<McpOAuthRecord | undefined> {
    await this.queue.catch(() => undefined);
    return (await this.read()).servers[key.server]?.[key.principal];
  }

  set(key: McpTokenKey, record: McpOAuthRecord): Promise<void> {
    return this.change((file) => {
      file.servers[key.server] = { ...(file.servers[key.server] ?? {}), [key.principal]: record };
      return true;
    }).then(() => undefined);
  }

  delete(key: McpTokenKey): Promise<boolean> {
    return this.change((file) => {
      const principals = file.servers[key.server];
      if (!principals || !Object.hasOwn(principals, key.principal)) return false;
      delete principals[key.principal];
      if (Object.keys(principals).length === 0) delete file.servers[key.server];
      return true;
    });
  }

  private change(edit: (file: TokenFile) => boolean): Promise<boolean> {
    const next = this.queue
      .catch(() => undefined)
      .then(async () => {
        const file = await this.read();
        if (!edit(file)) return false;
        await this.write(file);
        return true;
      });
    this.queue = next;
    return next;
  }

  private async read(): Promise<TokenFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw new AgentboxError('STORE_FAILED', `cannot read the MCP token file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const parsed = JSON.parse(text) as Partial<TokenFile>;
      if (parsed.version !== 1 || typeof parsed.servers !== 'object' || parsed.servers === null) throw new Error('not an agentbox MCP token file');
      return parsed as TokenFile;
    } catch (error) {
      // Never echo the content: it holds tokens.
      throw new AgentboxError('STORE_FAILED', `the MCP token file ${this.path} is damaged (${(error as Error).message}); delete it and log in again`);
    }
  }

  private async write(file: TokenFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      // The mode given to open is narrowed by the umask, never widened; chmod says it outright.
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      throw new AgentboxError('STORE_FAILED', `cannot write the MCP token file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }
}
