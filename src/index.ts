/**
 * agentbox — the portable core. Imports no `node:` module: it runs in Node, a browser
 * page and a Web Worker alike. Node-only pieces live in `agentbox/node`, the sandboxes in
 * `agentbox/sandbox`, the HTTP service in `agentbox/server`, browser pieces in `agentbox/web`.
 *
 * @example
 * import { BaseRuntime, MemorySessionStore, createOpenAICompatibleModel, builtinTools } from 'agentbox';
 * const runtime = new BaseRuntime({
 *   store: new MemorySessionStore(),
 *   model: createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' }),
 *   tools: builtinTools(),
 * });
 * const session = await runtime.process({ input: 'What is 17 * 23?' });
 */

// Errors: one hierarchy with stable codes.
export {
  AgentboxError,
  serializeError,
  type ErrorCode,
  type ErrorDetails,
  type ErrorDetailsByCode,
  type SerializedError,
  type AgentboxErrorOptions,
} from './errors/agentbox-error.js';
export type { ValidationIssue } from './errors/validation-issue.js';
export { ConfigError, type ConfigIssue } from './errors/config-error.js';
export { LlmError } from './errors/llm-error.js';

// Runtime: the AgentRuntime interface, the portable implementation, the one config wiring.
export type { AgentRuntime, CreateSessionOptions, ProcessRequest } from './runtime/agent-runtime.js';
export { BaseRuntime, type RuntimeOptions } from './runtime/base-runtime.js';
export type { ToolCallSession, ToolCallRequest } from './runtime/tool-call-session.js';
export { runtimeOptionsFromConfig, type ConfiguredRuntime, type PlatformParts, type RuntimeOverrides } from './runtime/runtime-options-from-config.js';
export { createModelFromConfig, type UnconfiguredLlm } from './runtime/create-model-from-config.js';

// Sessions as event logs.
export type { AgentEvent, EventPayload, EventType, EventOf, EventEnvelope, FinishReason, SamplingStopReason, ToolResourceUsage } from './engine/events.js';
export type { ChatMessage, ToolCall, Usage } from './engine/messages.js';
export { applyEvent, emptySession, foldEvents, type Session, type SessionSummary, type SessionUsage } from './engine/session.js';
export type { SessionState } from './engine/session-state.js';
export { EventBus, type EventSubscription, type SubscribeOptions } from './engine/event-bus.js';
export type { OverflowPolicy } from './engine/bounded-channel.js';

// Stores.
export type { SessionStore, ListSessionsOptions } from './store/session-store.js';
export { MemorySessionStore } from './store/memory-session-store.js';

// Models.
export type { LanguageModel, ModelRequest, StreamPart, ToolDefinition } from './agent/llm/language-model.js';
export { createOpenAICompatibleModel, type OpenAICompatibleModelOptions } from './agent/llm/openai-compatible.js';

// Prompt files and structured output (rendering Dotprompt files is `agentbox/prompt`).
export type { PromptLoader, PromptReference, PromptRenderer, PromptSource, PromptTurn } from './prompt/prompt-source.js';
export type { PromptRecord } from './engine/prompt-record.js';
export type { OutputSpec, StructuredOutputMode } from './agent/structured-output.js';
export type { ResponseFormat, ToolChoice } from './agent/llm/language-model.js';

// Tools.
export {
  defineTool,
  type Tool,
  type AnyTool,
  type ToolContext,
  type ToolAnnotations,
  type ToolResult,
  type JsonSchema,
  type ToolParameters,
  type ArgsOf,
  type DefineToolInput,
  type ExplicitToolInput,
} from './agent/tools/tool.js';
export type { ApprovalDecision, ApprovalRequest, ToolAuthDecision, ToolAuthRequest } from './agent/tools/tool-executor.js';
export type { ToolSource } from './agent/tools/tool-source.js';
export type { SampleContent, SampleFunction, SampleMessage, SampleRequest, SampleResult } from './agent/tools/tool-sampling.js';
export type {
  ElicitationAnswer,
  ElicitationContent,
  ElicitationField,
  ElicitationRequest,
  ElicitationResult,
  ElicitationSchema,
  ToolElicitation,
} from './engine/elicitation.js';
export { builtinTools, calculatorTool, currentTimeTool } from './agent/tools/builtin/index.js';
export { createHttpFetchTool, type HttpFetchToolOptions, type HttpFetchArgs, type HttpFetchResult } from './agent/tools/fetch/http-fetch-tool.js';

// Configuration (reading files is `agentbox/node`'s `loadConfig`).
export { configSchema, type AgentboxConfig, type AgentboxConfigInput } from './config/config-schema.js';
export type { McpConfig, McpServerConfig, McpStdioServerConfig, McpHttpServerConfig } from './config/mcp-config-schema.js';
export { resolveConfig, type ResolveConfigOptions } from './config/resolve-config.js';
export { redactConfig } from './config/redact-config.js';
export { resolveWorkflowSecrets, type WorkflowConfig } from './config/workflow-config-schema.js';
export { resolveLlmEndpoint, type LlmEndpoint } from './config/resolve-llm-endpoint.js';

// Role-based access control.
export { createAuthorizer, type Authorizer, type AuthDecision, type AuthExplanation, type RuleMatch } from './auth/authorizer.js';
export { createToolCallAuthorizer, toolPermission } from './auth/create-tool-call-authorizer.js';
export { intersectCapabilities, type Capabilities, type FsRootCapability } from './auth/capabilities.js';
export type { AuthConfig, AuthConfigInput, RoleConfig, PrincipalConfig } from './auth/auth-config-schema.js';
