import type { Command } from 'commander';
import type { ChatMessage } from '../../engine/messages.js';
import { CliContext } from '../cli-context.js';
import { parsePromptInput } from '../prompt-input.js';

interface RenderOptions {
  input?: string;
  json?: boolean;
}

/** `agentbox prompt render|list`: see what a Dotprompt file sends without calling a model. */
export function registerPromptCommands(program: Command): void {
  const prompt = program
    .command('prompt')
    .description('Dotprompt files: render one without calling the model, list the prompt folder (config prompts.dir, default ./prompts)');

  prompt
    .command('render')
    .description('render a prompt file with an input and print the messages it sends (no model is called)')
    .argument('<file>', 'a .prompt path, or a name in the prompt folder')
    .option('-i, --input <json>', 'the input, a JSON object checked against the input schema')
    .option('--json', 'print the file, its SHA-256, the input and the messages as JSON')
    .addHelpText('after', `\nExample:\n  agentbox prompt render prompts/greet.prompt --input '{"name":"Ann"}'`)
    .action(async (file: string, options: RenderOptions, command: Command) => {
      const input = parsePromptInput(options.input);
      const folder = await openFolder(command);
      const { renderPrompt } = await import('../../prompt/render-prompt.js');
      const source = await folder.load(file);
      const { prompt: parsed, record } = await renderPrompt({ prompt: source, input, loadPartial: (name) => folder.loadPartial(name, file) });
      // Counted for the model the prompt names, else the configured one (an estimate when its tokenizer is unknown).
      const model = parsed.model ?? (await new CliContext(command).loadConfig()).llm.model ?? 'unknown';
      const { countMessageTokens } = await import('../../prompt/tokens/count-tokens.js');
      const counts = await Promise.all(record.messages.map((m) => countMessageTokens([m], { model })));
      const total = await countMessageTokens(record.messages, { model });
      // Per message without the 3 tokens that prime the reply (counted once, in the total).
      const tokens = { model, total: total.tokens, exact: total.exact, perMessage: counts.map((c) => c.tokens - 3) };
      if (options.json) {
        const out = {
          ...record,
          ...(parsed.model ? { model: parsed.model } : {}),
          ...(parsed.outputSchema ? { outputSchema: parsed.outputSchema } : {}),
          tokens,
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const facts = [
        `sha256 ${record.hash.slice(0, 12)}`,
        ...(parsed.model ? [`model ${parsed.model}`] : []),
        ...(parsed.outputSchema ? ['output schema'] : []),
        total.exact ? `${total.tokens} tokens` : `~${total.tokens} tokens (estimated)`,
      ];
      process.stderr.write(`${record.file} (${facts.join(', ')})\n`);
      process.stdout.write(formatMessages(record.messages, record.historyAt, tokens.perMessage));
    });

  prompt
    .command('list')
    .description('list the prompt files in the prompt folder (partials, _name.prompt, are left out)')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const folder = await openFolder(command);
      const { parsePromptFile } = await import('../../prompt/parse-prompt-file.js');
      const rows = [];
      for (const file of await folder.list()) {
        const { source } = await folder.load(file);
        try {
          const parsed = await parsePromptFile({ file, source });
          const inputs = Object.keys((parsed.inputSchema?.properties as Record<string, unknown> | undefined) ?? {});
          rows.push({ file, hash: parsed.hash, ...(parsed.model ? { model: parsed.model } : {}), input: inputs, output: parsed.outputSchema !== undefined });
        } catch (error) {
          // One broken file does not hide the others: it is listed with its error.
          rows.push({ file, error: (error as Error).message.split('\n').slice(1).join(' ').trim() || (error as Error).message });
        }
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ dir: folder.dir, prompts: rows }, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stderr.write(`no prompt files in ${folder.dir}\n`);
        return;
      }
      for (const row of rows) {
        const detail =
          'error' in row
            ? `invalid: ${row.error}`
            : [row.model ?? '-', row.input.length ? `input: ${row.input.join(', ')}` : 'no input', row.output ? 'structured output' : '']
                .filter(Boolean)
                .join('  ');
        process.stdout.write(`${row.file.replace(/\.prompt$/, '').padEnd(24)} ${detail}\n`);
      }
    });
}

async function openFolder(command: Command) {
  const context = new CliContext(command);
  const config = await context.loadConfig();
  const { createPromptFolder } = await import('../../node/prompt/prompt-folder.js');
  return createPromptFolder({ dir: config.prompts.dir });
}

/** One block a message, headed by its role and token count (framing included, reply priming not); the history's place is shown where a session's earlier messages would go. */
function formatMessages(messages: readonly ChatMessage[], historyAt: number, tokens: readonly number[]): string {
  const blocks = messages.map((message, i) => `--- ${message.role} (${tokens[i]} tokens)\n${message.content}\n`);
  if (historyAt < messages.length) blocks.splice(historyAt, 0, '--- (the session history goes here)\n');
  return blocks.join('');
}
