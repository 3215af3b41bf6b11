import { AgentboxError } from '../../errors/agentbox-error.js';
import type { ToolDefinition } from '../llm/language-model.js';
import { findUnsafeSchemaPattern } from './find-unsafe-schema-pattern.js';
import type { AnyTool, Tool } from './tool.js';

const validName = /^[a-zA-Z0-9_-]{1,64}$/;

/** The tools an agent may call, by name. Names follow the OpenAI function-name rule. */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  /** Which names each dynamic source registered, so a refresh replaces only its own. */
  private readonly owned = new Map<string, Set<string>>();
  private readonly listeners = new Set<() => void>();

  constructor(tools: Iterable<AnyTool> = []) {
    for (const tool of tools) this.register(tool);
  }

  register(tool: AnyTool): this {
    if (!validName.test(tool.name)) {
      throw new AgentboxError('INVALID_INPUT', `tool name '${tool.name}' must match ${validName}`);
    }
    // Arguments are validated on the host's thread, outside any sandbox deadline.
    const unsafe = findUnsafeSchemaPattern(tool.parameters);
    if (unsafe) {
      throw new AgentboxError(
        'INVALID_INPUT',
        `tool '${tool.name}': the schema pattern ${JSON.stringify(unsafe.pattern)} at ${unsafe.path} repeats a repeat and can take exponential time; rewrite it without a quantified group that contains "*", "+" or "{n,}"`,
        { details: { path: unsafe.path, pattern: unsafe.pattern } },
      );
    }
    if (this.tools.has(tool.name)) throw new AgentboxError('INVALID_INPUT', `tool '${tool.name}' is already registered`);
    this.tools.set(tool.name, tool);
    return this;
  }

  /**
   * Replaces the tools `source` registered before with `tools`. A tool that cannot be
   * registered (a bad name, an unsafe pattern, a name another source holds) is skipped and
   * reported, so one bad tool from a server does not hide the rest.
   */
  replaceSource(source: string, tools: readonly AnyTool[]): Array<{ name: string; reason: string }> {
    for (const name of this.owned.get(source) ?? []) this.tools.delete(name);
    const names = new Set<string>();
    const skipped: Array<{ name: string; reason: string }> = [];
    for (const tool of tools) {
      try {
        this.register(tool);
        names.add(tool.name);
      } catch (error) {
        skipped.push({ name: tool.name, reason: (error as Error).message });
      }
    }
    this.owned.set(source, names);
    for (const listener of this.listeners) listener();
    return skipped;
  }

  /** Called after a source's tools are replaced (what `mcp serve` tells its clients as `tools/list_changed`); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** The source (an MCP server's name) that registered `name`; undefined for a fixed tool. */
  sourceOf(name: string): string | undefined {
    for (const [source, names] of this.owned) if (names.has(name)) return source;
    return undefined;
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  list(): Tool[] {
    return [...this.tools.values()];
  }

  get size(): number {
    return this.tools.size;
  }

  /** What the model is told about the tools. */
  definitions(): ToolDefinition[] {
    return this.list().map(({ name, description, parameters }) => ({ name, description, parameters }));
  }
}
