import { type CreateMessageRequest, type CreateMessageResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext } from '../agent/tools/tool.js';
import type { SampleContent, SampleMessage, SampleRequest, SampleResult } from '../agent/tools/tool-sampling.js';
import { AgentboxError } from '../errors/agentbox-error.js';

/** `tools.mcp.servers.<name>.sampling`, as the source takes it. */
export interface McpSamplingOptions {
  /** Prompt + completion tokens the server's sampling may use in one session. */
  maxTokens: number;
  /** Another model of the configured endpoint; absent: the session's. */
  model?: string;
}

/**
 * Bounds on what a server may send, beyond the shape the SDK validates: the budget bounds
 * tokens, these bound the work of counting them and the size of the event that records them.
 */
export const samplingLimits = {
  messages: 100,
  /** Characters of all messages and the system prompt together (about 50k tokens). */
  characters: 200_000,
  stopSequences: 4,
  stopSequenceCharacters: 100,
} as const;

type Params = CreateMessageRequest['params'];
type Content = Params['messages'][number]['content'];

/**
 * A server's `sampling/createMessage` (shape already checked by the SDK) as agentbox's
 * request, or an McpError saying what agentbox does not do. Images and audio are passed on
 * by kind, for the sampler to refuse (the model interface takes text only); no sampling tools (agentbox runs tools itself, under RBAC, not a server's);
 * `includeContext` is ignored, as the protocol allows: a server is never shown the session
 * or other servers' context. `modelPreferences` and `metadata` are ignored: the model is
 * the configured one.
 */
export function sampleRequestFrom(server: string, options: McpSamplingOptions, params: Params): SampleRequest {
  const refuse = (why: string): McpError => new McpError(ErrorCode.InvalidParams, `agentbox refuses sampling from MCP server '${server}': ${why}`);
  if (params.task) throw refuse('task-augmented sampling is not supported (agentbox declares no tasks capability)');
  if (params.tools || params.toolChoice) throw refuse('sampling with tools is not supported (agentbox declares no sampling.tools capability)');
  if (params.messages.length === 0) throw refuse('the request has no messages');
  if (params.messages.length > samplingLimits.messages)
    throw refuse(`the request has ${params.messages.length} messages, over the limit of ${samplingLimits.messages}`);
  if (!Number.isInteger(params.maxTokens) || params.maxTokens < 1) throw refuse(`maxTokens must be a positive integer, not ${params.maxTokens}`);
  const { temperature, stopSequences = [] } = params;
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) throw refuse(`temperature must be between 0 and 2, not ${temperature}`);
  if (stopSequences.length > samplingLimits.stopSequences)
    throw refuse(`at most ${samplingLimits.stopSequences} stopSequences are supported, not ${stopSequences.length}`);
  if (stopSequences.some((s) => s.length === 0 || s.length > samplingLimits.stopSequenceCharacters)) {
    throw refuse(`a stop sequence must be 1 to ${samplingLimits.stopSequenceCharacters} characters`);
  }
  const messages: SampleMessage[] = params.messages.map((message, index) => ({ role: message.role, content: contentOf(message.content, index, refuse) }));
  const characters = messages.reduce(
    (n, m) => n + m.content.reduce((k, c) => k + (c.type === 'text' ? c.text.length : 0), 0),
    params.systemPrompt?.length ?? 0,
  );
  if (characters > samplingLimits.characters) throw refuse(`the request has ${characters} characters of text, over the limit of ${samplingLimits.characters}`);
  return {
    source: server,
    budgetTokens: options.maxTokens,
    ...(options.model !== undefined ? { model: options.model } : {}),
    messages,
    ...(params.systemPrompt ? { systemPrompt: params.systemPrompt } : {}),
    maxTokens: params.maxTokens,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(stopSequences.length > 0 ? { stopSequences } : {}),
  };
}

/** Text kept, media named (the sampler decides whether the model takes them), tool blocks refused. */
function contentOf(content: Content, index: number, refuse: (why: string) => McpError): SampleContent[] {
  const blocks = Array.isArray(content) ? content : [content];
  return blocks.map((block): SampleContent => {
    if (block.type === 'text') return { type: 'text', text: block.text };
    if (block.type === 'image' || block.type === 'audio') return { type: block.type, mimeType: block.mimeType };
    throw refuse(`message ${index + 1} holds ${block.type} content: sampling with tools is not supported`);
  });
}

/** agentbox's answer as MCP's result: one text block from the assistant. */
export function createMessageResult(result: SampleResult): CreateMessageResult {
  return { role: 'assistant', content: { type: 'text', text: result.text }, model: result.model, stopReason: result.stopReason };
}

/**
 * Answers a server's `sampling/createMessage` during `context`'s call: mapped, run on the
 * session's model under the server's budget (`context.sample`), or refused with an McpError
 * a person can act on.
 */
export async function answerSampling(
  server: string,
  options: McpSamplingOptions,
  context: ToolContext,
  params: Params,
  signal?: AbortSignal,
): Promise<CreateMessageResult> {
  if (!context.sample) {
    throw new McpError(ErrorCode.InvalidRequest, `agentbox refuses sampling from MCP server '${server}': no model is at hand for the call under way`);
  }
  const request = sampleRequestFrom(server, options, params);
  try {
    return createMessageResult(await context.sample(signal ? { ...request, signal } : request));
  } catch (error) {
    if (AgentboxError.isInstance(error, 'MCP_SAMPLING_REFUSED')) throw new McpError(ErrorCode.InvalidRequest, `agentbox refuses sampling: ${error.message}`);
    throw new McpError(ErrorCode.InternalError, `agentbox could not sample for MCP server '${server}': ${(error as Error).message ?? String(error)}`);
  }
}
