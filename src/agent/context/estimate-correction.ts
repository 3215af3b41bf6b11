/** What a session's calls to one model estimated and what the server then reported (prompt tokens, summed). */
export interface EstimateTally {
  estimated: number;
  reported: number;
}

/** The correction never goes beyond these: one odd report must not let a request through nor starve it. */
export const MIN_CORRECTION = 0.5;
export const MAX_CORRECTION = 4;

/**
 * For a model without a known tokenizer, the factor its estimates are multiplied by: the
 * prompt tokens the server reported for the session's earlier calls to it, over what was
 * estimated for them (sums, so one call does not swing it), clamped to [0.5, 4]. 1 until a
 * call has reported usage.
 *
 * @example
 * estimateCorrection({ estimated: 1_000, reported: 1_300 }); // 1.3
 */
export function estimateCorrection(tally: EstimateTally | undefined): number {
  if (!tally || tally.estimated <= 0 || tally.reported <= 0) return 1;
  return Math.min(MAX_CORRECTION, Math.max(MIN_CORRECTION, tally.reported / tally.estimated));
}
