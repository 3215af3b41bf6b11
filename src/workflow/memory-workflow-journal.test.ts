import { describe } from 'vitest';
import { MemoryWorkflowJournal } from './memory-workflow-journal.js';
import { workflowJournalContract } from './workflow-journal-contract.test-support.js';

describe('MemoryWorkflowJournal', () => workflowJournalContract(() => new MemoryWorkflowJournal()));
