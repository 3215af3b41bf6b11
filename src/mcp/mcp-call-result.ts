import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

type ContentBlock = CallToolResult['content'][number];

/**
 * What a model reads of an MCP tool result. Structured content is the value itself (a
 * workflow's `call: tool` gets the object); otherwise the content blocks as text. Tool
 * results reach the model as text, so binary blocks (images, audio, blobs) become a line
 * saying what they are and how big, rather than kilobytes of base64 it cannot see.
 */
export function mcpResultValue(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  return mcpContentText(result.content);
}

export function mcpContentText(content: readonly ContentBlock[]): string {
  return content.map(blockText).join('\n');
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case 'resource_link': {
      const about = [block.mimeType, block.description].filter(Boolean).join(', ');
      return `[resource link: ${block.name} <${block.uri}>${about ? ` (${about})` : ''}]`;
    }
    case 'resource': {
      const { resource } = block;
      if ('text' in resource && typeof resource.text === 'string') return `[resource <${resource.uri}>]\n${resource.text}`;
      const data = 'blob' in resource && typeof resource.blob === 'string' ? resource.blob : '';
      return `[resource <${resource.uri}>${resource.mimeType ? ` ${resource.mimeType}` : ''}, ${base64Bytes(data)} bytes]`;
    }
    default:
      return `[${(block as { type: string }).type} content]`;
  }
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
