import type { ToolCall } from '../../engine/messages.js';
import type { OpenAIToolCallChunk } from './openai-wire.js';
import type { StreamPart } from './language-model.js';

interface Pending {
  id: string | undefined;
  name: string;
  arguments: string;
}

/**
 * Joins streamed tool-call fragments into whole calls. Fragments are keyed by `index`
 * (parallel calls may interleave); `id` and `name` come on a call's first fragment and
 * `arguments` are concatenated in arrival order.
 */
export class ToolCallAssembler {
  private readonly pending = new Map<number, Pending>();

  /** Records one wire fragment and returns the normalized delta part for it. */
  add(chunk: OpenAIToolCallChunk, position: number): Extract<StreamPart, { type: 'tool-call-delta' }> {
    // A few servers omit `index` when they send each call whole; fall back to array position.
    const index = typeof chunk.index === 'number' ? chunk.index : position;
    const argumentsDelta = chunk.function?.arguments ?? '';
    const existing = this.pending.get(index);
    if (existing) {
      existing.id ??= chunk.id;
      if (!existing.name && chunk.function?.name) existing.name = chunk.function.name;
      existing.arguments += argumentsDelta;
    } else {
      this.pending.set(index, { id: chunk.id, name: chunk.function?.name ?? '', arguments: argumentsDelta });
    }
    return {
      type: 'tool-call-delta',
      index,
      ...(chunk.id !== undefined ? { id: chunk.id } : {}),
      ...(chunk.function?.name !== undefined ? { name: chunk.function.name } : {}),
      argumentsDelta,
    };
  }

  get size(): number {
    return this.pending.size;
  }

  /** The assembled calls in index order. A missing id gets a stable synthetic one. */
  finish(): Array<{ index: number; call: ToolCall }> {
    return [...this.pending.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, p]) => ({ index, call: { id: p.id ?? `call_${index}`, name: p.name, arguments: p.arguments } }));
  }
}
