import { builtinTools } from '../agent/tools/builtin/index.js';
import type { AnyTool, Tool } from '../agent/tools/tool.js';
import { AgentboxError } from '../errors/agentbox-error.js';

/** The built-in tools `agent.tools` names; all of them when it names none. */
export function selectBuiltinTools(names: readonly string[] | undefined): Tool[] {
  const all = builtinTools();
  if (!names) return all;
  const unknown = names.filter((n) => !all.some((t) => t.name === n));
  if (unknown.length > 0) {
    const known = all.map((t) => t.name).join(', ');
    throw new AgentboxError('CONFIG_INVALID', `agent.tools names unknown tool(s) ${unknown.join(', ')}; built-in tools: ${known}`);
  }
  return all.filter((t) => names.includes(t.name));
}

/** Marks the tools `tools.requireApproval` names (any kind) as needing approval. */
export function requireApproval(tools: readonly AnyTool[], names: readonly string[]): AnyTool[] {
  const unknown = names.filter((n) => !tools.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new AgentboxError('CONFIG_INVALID', `tools.requireApproval names unknown tool(s): ${unknown.join(', ')}`);
  }
  return tools.map((t) => (names.includes(t.name) ? { ...t, needsApproval: true } : t));
}
