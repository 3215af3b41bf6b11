/**
 * MCP: servers speaking the Model Context Protocol as tool sources, on the official SDK.
 * Portable; the stdio transport (a child process) is in `src/node/mcp/`.
 */
export { McpToolSource, type McpToolSourceOptions } from './mcp-tool-source.js';
export type { McpSamplingOptions } from './mcp-sampling.js';
export { httpTransports } from './http-transports.js';
export { expandEnvReferences } from './expand-env-references.js';
export { mcpResultValue, mcpContentText } from './mcp-call-result.js';
export { createMcpServer, type CreateMcpServerOptions } from './create-mcp-server.js';
export { McpAgentTools, type McpAgent, type McpAgentToolsOptions } from './mcp-agent-tools.js';
