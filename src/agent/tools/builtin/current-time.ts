import { AgentboxError } from '../../../errors/agentbox-error.js';
import { defineTool } from '../tool.js';

export const currentTimeTool = defineTool<{ timeZone?: string }, { iso: string; epochMs: number; timeZone: string; local: string }>({
  name: 'current_time',
  description: 'Returns the current date and time, in UTC or in the given IANA time zone (e.g. "Europe/Paris").',
  parameters: {
    type: 'object',
    properties: { timeZone: { type: 'string', description: 'IANA time zone name; default UTC', maxLength: 64 } },
    additionalProperties: false,
  },
  execute: ({ timeZone = 'UTC' }) => {
    const now = new Date();
    let local: string;
    try {
      local = now.toLocaleString('en-US', { timeZone, dateStyle: 'full', timeStyle: 'long' });
    } catch {
      throw new AgentboxError('INVALID_INPUT', `unknown time zone '${timeZone}'`);
    }
    return { iso: now.toISOString(), epochMs: now.getTime(), timeZone, local };
  },
});
