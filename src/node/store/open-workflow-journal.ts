import type { AgentboxConfig } from '../../config/config-schema.js';
import { MemoryWorkflowJournal } from '../../workflow/memory-workflow-journal.js';
import type { WorkflowJournal } from '../../workflow/workflow-journal.js';
import { defaultStorePath } from './default-store-path.js';

/** The workflow journal beside the sessions `config.store` names: the same SQLite file, or memory. */
export async function openWorkflowJournal(store: AgentboxConfig['store'], env: Record<string, string | undefined> = process.env): Promise<WorkflowJournal> {
  if (store.kind === 'memory' || store.path === ':memory:') return new MemoryWorkflowJournal();
  const { SqliteWorkflowJournal } = await import('./sqlite-workflow-journal.js');
  return SqliteWorkflowJournal.open(store.path ?? defaultStorePath(env));
}
