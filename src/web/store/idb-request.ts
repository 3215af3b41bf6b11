/**
 * Promise wrappers over raw IndexedDB requests. Kept tiny on purpose: continuing a
 * transaction from a resolved promise is safe because promise callbacks run as microtasks,
 * before IndexedDB decides the transaction has nothing left to do and commits it.
 */
import { AgentboxError } from '../../errors/agentbox-error.js';

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storeFailed('an IndexedDB request failed', req.error));
  });
}

/** Resolves when the transaction commits; rejects when it aborts or fails. */
export function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(storeFailed('an IndexedDB transaction was aborted', tx.error));
    tx.onerror = () => reject(storeFailed('an IndexedDB transaction failed', tx.error));
  });
}

export function storeFailed(message: string, cause: unknown): AgentboxError {
  const reason = cause instanceof Error || (typeof DOMException !== 'undefined' && cause instanceof DOMException) ? `: ${(cause as Error).message}` : '';
  return new AgentboxError('STORE_FAILED', `${message}${reason}`, { cause });
}

export function openDatabase(options: { name: string; version: number; upgrade: (db: IDBDatabase) => void }): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new AgentboxError('STORE_FAILED', 'IndexedDB is not available in this environment'));
      return;
    }
    const req = indexedDB.open(options.name, options.version);
    req.onupgradeneeded = () => options.upgrade(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storeFailed(`cannot open IndexedDB database ${options.name}`, req.error));
  });
}

export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(storeFailed(`cannot delete IndexedDB database ${name}`, req.error));
  });
}

/** A transaction on an open database; STORE_FAILED naming `what` when it is closed or refuses. */
export function startTransaction(db: IDBDatabase | undefined, what: string, stores: string[], mode: IDBTransactionMode): IDBTransaction {
  if (!db) throw new AgentboxError('STORE_FAILED', `${what} is closed`);
  try {
    return db.transaction(stores, mode);
  } catch (error) {
    throw new AgentboxError('STORE_FAILED', `cannot start an IndexedDB transaction on ${what}`, { cause: error });
  }
}
