/**
 * A jq failure: `compile` for a bad program, `runtime` for a failing one, `limit` for an
 * input over the cap or a run over the time limit, `trap` when the jq instance itself broke.
 */
export class JqFailure extends Error {
  constructor(
    readonly kind: 'compile' | 'runtime' | 'limit' | 'trap',
    message: string,
  ) {
    super(message);
    this.name = 'JqFailure';
  }
}
