import type { Usage } from '../../engine/messages.js';

/** Config `llm.prices.<model>`: what a million tokens cost, in whatever currency the prices are given. */
export interface ModelPrice {
  /** Prompt tokens not read from the cache. */
  input: number;
  /** Prompt tokens read from the server's prompt cache; default `input`. */
  cachedInput?: number;
  output: number;
}

/** The price of `model`: its exact name, else the name without a provider prefix (`openai/gpt-4o` → `gpt-4o`). */
export function priceFor(model: string, prices: Readonly<Record<string, ModelPrice>> | undefined): ModelPrice | undefined {
  if (!prices) return undefined;
  return prices[model] ?? prices[model.replace(/^.*\//, '')];
}

/**
 * What one call cost: uncached prompt tokens at `input`, cached ones at `cachedInput`,
 * completion tokens at `output`, per million. Rounded to 1e-9 so sums print cleanly.
 *
 * @example
 * callCost({ promptTokens: 1_000, cachedPromptTokens: 800, completionTokens: 100, totalTokens: 1_100 }, { input: 2.5, cachedInput: 1.25, output: 10 });
 * // (200 × 2.5 + 800 × 1.25 + 100 × 10) / 1e6 = 0.0025
 */
export function callCost(usage: Usage, price: ModelPrice): number {
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  const cost = ((usage.promptTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + usage.completionTokens * price.output) / 1_000_000;
  return Math.round(cost * 1e9) / 1e9;
}
