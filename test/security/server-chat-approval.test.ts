/**
 * Attacker: an authenticated API client. `POST /v1/chat/completions` runs its turn in an
 * ephemeral session that no approval route can reach, so an approval-gated tool call there
 * must be denied at once. Before the fix it waited forever: the request never answered and
 * every such request pinned a turn (and its memory) until shutdown.
 *
 * Fixed in src/server/routes/chat-completion-routes.ts: the turn gets an `onApproval` that
 * denies every request at once (by: system), since nobody can reach this session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defineTool } from '../../src/agent/tools/tool.js';
import { startHarness, type ServerHarness } from '../helpers/server-harness.js';

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('chat completions and approval-gated tools', () => {
  it('answers instead of waiting forever for an approval nobody can give', async () => {
    const deploy = defineTool<{ target: string }>({
      name: 'deploy',
      description: 'deploys',
      needsApproval: true,
      parameters: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
      execute: ({ target }) => ({ deployed: target }),
    });
    h = await startHarness({ tools: [deploy] });
    h.llm.enqueue({ type: 'tool-calls', calls: [{ id: 'c1', name: 'deploy', arguments: { target: 'prod' } }] }, { type: 'text', text: 'could not deploy' });
    const answer = h.call('/v1/chat/completions', { method: 'POST', json: { model: 'agentbox', messages: [{ role: 'user', content: 'deploy' }] } });
    const outcome = await Promise.race([answer.then((r) => r.status), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3_000))]);
    expect(outcome).toBe(200);
    expect(h.server.activeTurns).toBe(0);
  });
});
