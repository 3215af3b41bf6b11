/**
 * Attacker: any API client that can make the service fail. A 500 used to carry the
 * internal error as is: a SQLite failure answered `STORE_FAILED: session store
 * /home/…/sessions.db: append failed: <SQLite's message>` with the path in `details` too —
 * where the data lives and how its schema is checked, for whoever asks.
 *
 * Fixed in src/server/http-error.ts: an internal failure (any 500) keeps its stable code but
 * answers a generic message with no details; the full error goes to the server log
 * (`onInternalError`, which `agentbox serve` wires to its logger).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { startServer, type RunningServer } from '../../src/node/server/start-server.js';

let running: RunningServer;
let dbPath: string;
const logLines: string[] = [];

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'agentbox-leak-')), 'store.db');
  const config = configSchema.parse({ llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxRetries: 0 }, store: { kind: 'sqlite', path: dbPath } });
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString()), done()) });
  running = await startServer({ config, port: 0, logger: pino({ level: 'error' }, sink) });
});

afterAll(async () => {
  await running?.close({ timeoutMs: 1000 });
});

describe('a 500 from the session store', () => {
  it('tells the client the code only, and the log everything', async () => {
    // Another process breaks the database under the running service.
    const saboteur = new Database(dbPath);
    saboteur.exec("CREATE TRIGGER sabotage BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    saboteur.close();
    const res = await fetch(`${running.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'STORE_FAILED', message: 'internal server error; the service log has the details' } });
    for (const leak of [dbPath, 'store.db', 'disk on fire', 'append']) expect(text).not.toContain(leak);
    const logged = logLines.join('');
    expect(logged).toContain('disk on fire');
    expect(logged).toContain(dbPath);
  });
});
