import type { AgentEvent } from '../engine/events.js';

export interface RenderTarget {
  write(text: string): unknown;
  isTTY?: boolean;
}

const dim = (on: boolean, s: string): string => (on ? `\x1b[2m${s}\x1b[22m` : s);
const red = (on: boolean, s: string): string => (on ? `\x1b[31m${s}\x1b[39m` : s);

function clip(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * Streams a turn to a terminal: the answer text on stdout (so it pipes cleanly), tool
 * calls, retries and approvals on stderr.
 */
export class EventRenderer {
  private atLineStart = true;
  private waiting = false;
  /** Whether the current model call streamed text (in tool mode a structured answer streams none). */
  private stepText = false;

  constructor(
    private readonly out: RenderTarget,
    private readonly err: RenderTarget,
    private readonly options: { showTools?: boolean } = {},
  ) {}

  handle(event: AgentEvent): void {
    const color = Boolean(this.err.isTTY);
    const showTools = this.options.showTools ?? true;
    if (this.waiting && event.type !== 'llm.tool-call-delta') this.clearWaiting();
    switch (event.type) {
      case 'llm.started':
        this.stepText = false;
        // On a terminal, show that the model is being waited for; cleared by what comes next.
        if (color && this.atLineStart) {
          this.err.write(dim(color, '… waiting for the model'));
          this.waiting = true;
        }
        break;
      case 'llm.text-delta':
        this.out.write(event.text);
        this.atLineStart = event.text.endsWith('\n');
        this.stepText = true;
        break;
      case 'output.invalid':
        this.note(
          red(
            color,
            `✗ the answer does not match the output schema: ${clip(event.issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; '), 160)}${event.feedback ? ' — asking again' : ''}`,
          ),
        );
        break;
      case 'tool.started':
        if (showTools) this.note(dim(color, `→ ${event.name}(${clip(event.arguments || '{}')})`));
        break;
      case 'tool.completed':
        if (!showTools) break;
        this.note(
          event.ok
            ? dim(color, `← ${clip(event.output)} (${Math.round(event.durationMs)} ms)`)
            : red(color, `✗ ${event.error?.code ?? 'TOOL_FAILED'}: ${clip(event.error?.message ?? event.output)}`),
        );
        break;
      case 'mcp.sampled':
        if (!showTools) break;
        this.note(
          event.error
            ? red(color, `✗ sampling for ${event.server} refused: ${clip(event.error.message, 160)}`)
            : dim(color, `⇄ ${event.server} sampled ${event.model}: ${event.usage.totalTokens} tokens, ${clip(event.text, 120)}`),
        );
        break;
      case 'auth.denied':
        this.note(red(color, `✗ denied ${event.permission}: ${event.reason}`));
        break;
      case 'llm.retry':
        this.note(dim(color, `(retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)} s: ${clip(event.error.message, 120)})`));
        break;
      case 'turn.completed':
        if (event.output !== undefined && !this.stepText) {
          this.out.write(JSON.stringify(event.output));
          this.atLineStart = false;
        }
        this.endLine();
        break;
      case 'turn.failed':
      case 'turn.cancelled':
        this.endLine();
        break;
      default:
        break;
    }
  }

  private clearWaiting(): void {
    this.err.write('\r\x1b[K');
    this.waiting = false;
  }

  /** Makes way for a prompt on the terminal (approvals): the waiting line goes, the line ends. */
  makeWayForPrompt(): void {
    if (this.waiting) this.clearWaiting();
    this.endLine();
  }

  /** Ends the answer's line so the shell prompt starts clean. */
  endLine(): void {
    if (!this.atLineStart) this.out.write('\n');
    this.atLineStart = true;
  }

  private note(line: string): void {
    this.endLine();
    this.err.write(`${line}\n`);
  }
}
