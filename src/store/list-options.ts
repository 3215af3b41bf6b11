import { AgentboxError } from '../errors/agentbox-error.js';
import type { ListSessionsOptions } from './session-store.js';

export interface NormalizedListOptions {
  owner: string | undefined;
  /** `undefined` means no limit. */
  limit: number | undefined;
  offset: number;
}

/** Rejects a negative or fractional limit/offset rather than guessing what was meant. */
export function normalizeListOptions(options: ListSessionsOptions = {}): NormalizedListOptions {
  const { owner, limit, offset = 0 } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new AgentboxError('INVALID_INPUT', `list limit must be a non-negative integer, got ${String(limit)}`);
  }
  if (!(Number.isInteger(offset) && offset >= 0)) {
    throw new AgentboxError('INVALID_INPUT', `list offset must be a non-negative integer, got ${String(offset)}`);
  }
  return { owner, limit, offset };
}

/** Same check for `events()`; `afterSeq` defaults to 0 (the whole log). */
export function normalizeEventsOptions(options: { afterSeq?: number; limit?: number } = {}): {
  afterSeq: number;
  limit: number | undefined;
} {
  const { afterSeq = 0, limit } = options;
  if (!(Number.isInteger(afterSeq) && afterSeq >= 0)) {
    throw new AgentboxError('INVALID_INPUT', `afterSeq must be a non-negative integer, got ${String(afterSeq)}`);
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new AgentboxError('INVALID_INPUT', `events limit must be a non-negative integer, got ${String(limit)}`);
  }
  return { afterSeq, limit };
}
