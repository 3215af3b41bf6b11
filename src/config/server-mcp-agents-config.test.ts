import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { resolveConfig } from './resolve-config.js';

const withAgents = (agents: unknown) => () => resolveConfig({ file: { source: 'agentbox.json', data: { server: { mcp: { agents } } } } });

describe('server.mcp.agents', () => {
  it('is empty by default (no agent is served over MCP); a name or { name, description } each', () => {
    expect(resolveConfig().server.mcp.agents).toEqual([]);
    expect(withAgents(['agent', { name: 'triage', description: 'Sorts tickets' }])().server.mcp.agents).toEqual([
      { name: 'agent' },
      { name: 'triage', description: 'Sorts tickets' },
    ]);
  });

  it('refuses a name that is no tool or permission segment, and a name listed twice, naming the key', () => {
    for (const [agents, path, message] of [
      [['support/triage'], 'server.mcp.agents.0', 'an agent name'],
      [[{ name: '' }], 'server.mcp.agents.0.name', 'an agent name'],
      [['agent', { name: 'agent' }], 'server.mcp.agents', 'each agent is listed once'],
      [[{ name: 'a', model: 'x' }], 'server.mcp.agents.0.model', 'unknown key'],
    ] as const) {
      let error: unknown;
      try {
        withAgents(agents)();
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(agents)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message, JSON.stringify(agents)).toContain(path);
      expect((error as ConfigError).message).toContain(message);
    }
  });
});
