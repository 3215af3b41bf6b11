import { AgentboxError } from '../errors/agentbox-error.js';

/** `--input '{…}'` as the prompt's input object; INVALID_INPUT (exit 2) when it is not a JSON object. */
export function parsePromptInput(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentboxError('INVALID_INPUT', `--input is not JSON: ${(error as Error).message} (e.g. --input '{"name":"Ann"}')`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AgentboxError('INVALID_INPUT', `--input must be a JSON object of the prompt's input fields, e.g. --input '{"name":"Ann"}'`);
  }
  return value as Record<string, unknown>;
}
