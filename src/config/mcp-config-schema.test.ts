import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { resolveConfig } from './resolve-config.js';

const server = (sampling: unknown) => ({
  file: { source: 'agentbox.yaml', data: { tools: { mcp: { servers: { docs: { command: 'docs-server', sampling } } } } } },
});

describe('tools.mcp.servers.*.sampling', () => {
  it('is off when absent or false; true is the default budget; an object sets the budget and a model', () => {
    const servers = (sampling: unknown) => resolveConfig(server(sampling)).tools.mcp.servers.docs;
    expect(servers(undefined)?.sampling).toBeUndefined();
    expect(servers(false)?.sampling).toBeUndefined();
    expect(servers(true)?.sampling).toEqual({ maxTokens: 4000 });
    expect(servers({})?.sampling).toEqual({ maxTokens: 4000 });
    expect(servers({ maxTokens: 900, model: 'small' })?.sampling).toEqual({ maxTokens: 900, model: 'small' });
  });

  it('refuses a budget out of bounds and an unknown key, naming the path', () => {
    for (const [sampling, message] of [
      [{ maxTokens: 0 }, /sampling\.maxTokens: Too small/],
      [{ maxTokens: 2_000_000 }, /sampling\.maxTokens: Too big/],
      [{ budget: 10 }, /sampling\.budget: unknown key/],
    ] as const) {
      try {
        resolveConfig(server(sampling));
        expect.unreachable(`accepted ${JSON.stringify(sampling)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const issue = (error as ConfigError).issues.find((i) => i.path.startsWith('tools.mcp.servers.docs'));
        expect(issue?.path).toMatch(/^tools\.mcp\.servers\.docs(\.sampling)?/);
        expect((error as ConfigError).message).toMatch(message);
      }
    }
  });
});
