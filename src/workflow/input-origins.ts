/**
 * Where a task's input came from, so `task.started` can name it instead of copying it: a
 * task's input is nearly always an object already in the journal (the previous task's output,
 * the enclosing task's input, the run's input), and copying it into every start would grow a
 * `for` over a large input quadratically. Values are tracked by identity, never by content.
 */
export type InputOrigin = { key: string; field: 'input' | 'output' } | { run: 'input' };

export type RecordedInput = { input: unknown } | { inputFrom: InputOrigin };

export class InputOrigins {
  readonly #origins = new WeakMap<object, InputOrigin>();

  /** The first place a value was journaled wins: later references point at it. */
  note(value: unknown, origin: InputOrigin): void {
    if (typeof value === 'object' && value !== null && !this.#origins.has(value)) this.#origins.set(value, origin);
  }

  /** What `task.started` records for `value`: a reference when it is known, else the value. */
  describe(value: unknown, at: InputOrigin): RecordedInput {
    const known = typeof value === 'object' && value !== null ? this.#origins.get(value) : undefined;
    if (known) return { inputFrom: known };
    this.note(value, at);
    return { input: value ?? null };
  }
}
