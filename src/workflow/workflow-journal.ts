import type { RunEvent, RunStatus } from './run-events.js';

export interface RunSummary {
  runId: string;
  /** `document.namespace/document.name` of the definition. */
  workflow: string;
  status: RunStatus;
  createdAt: number;
  updatedAt: number;
  /** Why a cancel was requested for the run while another process held it; its holder stops it. */
  cancelRequested?: string;
}

/** An event posted to a run for its `listen` tasks, numbered per run from 1. */
export interface InboxEvent {
  seq: number;
  time: number;
  event: Record<string, unknown>;
}

/** A lease on a run: who holds it and until when (ms since the epoch). */
export interface LeaseRequest {
  holder: string;
  now: number;
  ttlMs: number;
}

/**
 * Where runs live: each run's append-only event log, a summary row, and a lease that makes
 * its holder the run's one writer. Implementations: memory (tests, the browser for now) and
 * SQLite (`agentbox/node`, in the same file as sessions). Every call either does all it
 * says or throws (STORE_FAILED); nothing is skipped silently.
 */
export interface WorkflowJournal {
  /** Creates the run with its first events, its lease held by `lease.holder`. STORE_CONFLICT if the id exists. */
  create(runId: string, summary: { workflow: string }, events: readonly RunEvent[], lease: LeaseRequest): Promise<void>;
  /**
   * Appends events in one transaction. Refused (WORKFLOW_RUN_BUSY) unless `holder` holds the
   * lease; refused (STORE_CONFLICT) on a seq gap. Renews the lease to `now + ttlMs`.
   */
  append(runId: string, events: readonly RunEvent[], lease: LeaseRequest): Promise<void>;
  /** Takes the lease if it is free, lapsed, or already `holder`'s. False if another holds it. */
  claim(runId: string, lease: LeaseRequest): Promise<boolean>;
  /** Asks the run's holder to cancel it (no lease needed; the holder polls `get`). The first reason stays. */
  requestCancel(runId: string, reason: string): Promise<void>;
  /** Posts an event to a run (no lease needed: anyone may); its `listen` tasks consume it. The event's inbox seq. */
  postEvent(runId: string, event: Record<string, unknown>, time: number): Promise<number>;
  /** The run's posted events after `afterSeq`, oldest first. */
  inbox(runId: string, afterSeq?: number): Promise<InboxEvent[]>;
  /** Gives the lease up (only if `holder` holds it). */
  release(runId: string, holder: string): Promise<void>;
  /** The run's events in seq order: all, or those after `afterSeq` (at most `limit`, for paging a stream). */
  events(runId: string, options?: { afterSeq?: number; limit?: number }): Promise<RunEvent[]>;
  get(runId: string): Promise<RunSummary | undefined>;
  /** Most recently updated first. */
  list(options?: { limit?: number }): Promise<RunSummary[]>;
  close(): Promise<void>;
}
