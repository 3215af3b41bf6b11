/**
 * A loopback LLM for crash tests: it answers `answer(<prompt>)`, records every prompt it
 * receives across processes, and can be told to hang on one prompt (once) and say when
 * that call arrived — the moment a test kills the process making it.
 */
import { startScriptedLlmServer, type ScriptedLlmServer } from '../../src/node/testing/index.js';
import type { RecordedRequest } from '../../src/testing/scripted-response.js';
import { isolatedEnv } from './run-cli.js';

export interface HangingLlm {
  llm: ScriptedLlmServer;
  /** Prompts received, in order, over all processes; cleared by `reset`. */
  readonly received: string[];
  reset(): void;
  /** Resolves when the next call with this prompt arrives; that call never answers. */
  hangOn(prompt: string): Promise<void>;
  /** An isolated CLI environment pointed at this server. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const lastUserMessage = (request: RecordedRequest): string => String((request.body.messages ?? []).filter((m) => m.role === 'user').at(-1)?.content ?? '');

export async function startHangingLlm(options: { chunks?: number } = {}): Promise<HangingLlm> {
  const llm = await startScriptedLlmServer({ recordRequests: false });
  const received: string[] = [];
  let hang: { prompt: string; arrived: () => void } | undefined;
  llm.setFallback((request) => {
    const prompt = lastUserMessage(request);
    received.push(prompt);
    if (hang?.prompt === prompt) {
      const { arrived } = hang;
      hang = undefined;
      arrived();
      return { type: 'text', text: 'never sent', delayMs: 60_000 };
    }
    return { type: 'text', text: `answer(${prompt})`, ...(options.chunks ? { chunks: options.chunks } : {}) };
  });
  return {
    llm,
    received,
    reset: () => void (received.length = 0),
    hangOn: (prompt) => new Promise<void>((resolve) => (hang = { prompt, arrived: resolve })),
    env: () => isolatedEnv({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'sk-test', AGENTBOX_MODEL: 'test-model' }),
    close: () => llm.close(),
  };
}
