/**
 * The prompt engine beside the libraries it wraps, on the same input:
 * - token counting through agentbox (`countMessageTokens`, OpenAI's framing) beside calling
 *   gpt-tokenizer's `countTokens` on each message's text directly (target ≤ 1.2×);
 * - rendering a prompt file through agentbox (front matter checked, input validated, messages
 *   mapped) beside `dotprompt` rendering it alone.
 */
import { Dotprompt } from 'dotprompt';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { countMessageTokens, renderPrompt } from '../dist/prompt/index.js';
import { best, fmt, report, timeRounds } from './stats.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 100);

const messages = [];
for (let i = 0; i < 200; i += 1) {
  messages.push({ role: 'user', content: `Question ${i}: what is the tide height at harbour ${i} on day ${i % 30}, in metres?` });
  messages.push({ role: 'assistant', content: `At harbour ${i} the tide peaks at ${(i % 7) + 0.5} m around ${i % 24}:00; the low is ${(i % 3) * 0.4} m.` });
}

const time = (fn, n = rounds) => timeRounds(fn, n);

// Warm both (the encoding loads on first use; the merge cache fills).
await countMessageTokens(messages, { model: 'gpt-4o' });
for (const m of messages) countTokens(m.content);

const countDirect = () => {
  let n = 0;
  for (const m of messages) n += countTokens(m.content);
  return n;
};
// Alternated, and the faster run of each kept: the first loop measured pays for JIT warm-up.
const direct = [await time(countDirect)];
const agentbox = [await time(() => countMessageTokens(messages, { model: 'gpt-4o' }))];
direct.push(await time(countDirect));
agentbox.push(await time(() => countMessageTokens(messages, { model: 'gpt-4o' })));
report(`token counting, ${messages.length} messages (gpt-4o, o200k_base), ms per count`, {
  'gpt-tokenizer countTokens per message (median)': fmt(best(direct).median),
  'agentbox countMessageTokens (median)': fmt(best(agentbox).median),
  'ratio agentbox / direct': `${fmt(best(agentbox).median / best(direct).median, 2)}×`,
});

const source = `---
input:
  schema:
    name: string
    items(array): string
output:
  schema:
    greeting: string
---
{{role "system"}}
You greet people. {{> style}}
{{history}}
{{role "user"}}
I am {{name}}. {{#each items}}{{this}}, {{/each}}
`;
const input = { name: 'Ann', items: ['a', 'b', 'c'] };
const partial = async (name) => (name === 'style' ? 'Be brief.' : undefined);

const dotpromptAlone = await time(async () => {
  const dp = new Dotprompt({ partialResolver: async (name) => (await partial(name)) ?? null });
  return dp.render(source, { input });
});
const throughAgentbox = await time(() => renderPrompt({ prompt: { file: 'greet.prompt', source }, input, loadPartial: partial }));
report('rendering a prompt file (partial, Picoschema input and output), ms per render', {
  'dotprompt render alone, new instance (median)': fmt(dotpromptAlone.median),
  'agentbox renderPrompt (median)': fmt(throughAgentbox.median),
  'ratio agentbox / dotprompt': `${fmt(throughAgentbox.median / dotpromptAlone.median, 2)}×`,
});
