import type { WorkflowClock } from './run-recorder.js';
import type { WorkflowHost } from './workflow-host.js';

/** A clock whose sleeps advance time at once, recording each one. */
export function fakeClock(start = 1_000_000): WorkflowClock & { slept: number[]; advance(ms: number): void } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A host whose tools are plain functions; records every call with its idempotency key. */
export function scriptedHost(
  tools: Record<string, (args: Record<string, unknown>, key: string) => unknown>,
): WorkflowHost & { calls: Array<{ name: string; key: string }> } {
  const calls: Array<{ name: string; key: string }> = [];
  return {
    calls,
    async callTool({ name, arguments: args, idempotencyKey }) {
      calls.push({ name, key: idempotencyKey });
      const tool = tools[name];
      if (!tool) throw new Error(`no tool ${name}`);
      return tool(args, idempotencyKey);
    },
    async callLlm({ messages }) {
      return { content: `echo: ${messages.at(-1)?.content}` };
    },
    async callAgent({ input }) {
      return { content: `agent: ${input}`, sessionId: 's1' };
    },
  };
}
