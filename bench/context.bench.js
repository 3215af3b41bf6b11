/**
 * Preparing a request for a 1,000-turn session under the context policy (gpt-4o, exact
 * counts, a 32K window so every request is trimmed): what runTurn does before each model
 * call — fit the history to the window, count the request as sent. Three ways, on the same
 * requests in the same run:
 * - agentbox now: the session's ledger counts only the messages added since its previous
 *   request and finds the cut with sums and a binary search (target < 1 ms a request);
 * - agentbox before the ledger (the stateless path kept as `trimHistory` + `preflightCount`
 *   without counts): every message's count looked up per request, the kept history tokenized
 *   again by the pre-flight count;
 * - baseline: counting the whole history with gpt-tokenizer directly, every request.
 * Each turn's history is a fresh copy, as a turn loads its session from the store (the
 * per-object cache of the stateless path misses then, as it did in runTurn).
 * Heap: the ledger and caches a 1,000-turn session keeps, measured after gc.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { ContextCache } from '../dist/agent/context/context-cache.js';
import { countFittedRequest, fitHistory } from '../dist/agent/context/fit-history.js';
import { preflightCount } from '../dist/agent/context/preflight-count.js';
import { trimHistory } from '../dist/agent/context/trim-history.js';
import { copyJson } from '../dist/engine/copy-json.js';
import { loadMessageCounter } from '../dist/prompt/tokens/count-tokens.js';
import { fmt, gc, report, summarize } from './stats.js';

const TURNS = 1_000;
/** Turns at the end of the session whose requests are timed (two requests a turn: the call, the answer). */
const timedTurns = Number(process.env.BENCH_ROUNDS ?? 100);
const model = 'gpt-4o';
const limits = { contextWindow: 32_000, maxOutputTokens: 1_024 };
const tools = [
  {
    name: 'tide_height',
    description: 'The tide height at a harbour on a day, in metres',
    parameters: { type: 'object', properties: { harbour: { type: 'string' }, day: { type: 'integer' } }, required: ['harbour', 'day'] },
  },
];

function turnMessages(t) {
  return [
    { role: 'user', content: `Question ${t}: what is the tide height at harbour ${t % 97} on day ${t % 30}, and should I sail at ${t % 24}:00?` },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: `call_${t}`, name: 'tide_height', arguments: JSON.stringify({ harbour: `H${t % 97}`, day: t % 30 }) }],
    },
    { role: 'tool', toolCallId: `call_${t}`, name: 'tide_height', content: JSON.stringify({ metres: (t % 7) + 0.25, low: (t % 3) * 0.4 }) },
    {
      role: 'assistant',
      content: `At harbour ${t % 97} the tide peaks at ${(t % 7) + 0.25} m; the low is ${(t % 3) * 0.4} m. Sailing at ${t % 24}:00 is ${t % 2 ? 'fine' : 'not advised'}.`,
    },
  ];
}

/** The history as each request of the timed turns sees it: [turn, step, messages]. */
function* requests(messages) {
  for (let t = TURNS - timedTurns + 1; t <= TURNS; t += 1) {
    // A turn starts from its session loaded from the store: new objects, equal values.
    const loaded = copyJson(messages);
    const [user, call, result, answer] = turnMessages(t);
    loaded.push(user);
    yield loaded;
    loaded.push(call, result);
    yield loaded;
    loaded.push(answer);
    messages = loaded;
  }
}

const history = [{ role: 'system', content: 'You are a harbour master. Answer briefly, with figures.' }];
for (let t = 1; t <= TURNS - timedTurns; t += 1) history.push(...turnMessages(t));

async function withLedger(cache, messages) {
  const fitted = await fitHistory({ sessionId: 'bench', messages, model, tools, limits, cache });
  const request = { messages: fitted.messages, tools };
  const counted = countFittedRequest(request, fitted, { model, cache });
  await preflightCount(request, { model, limits, counted });
  return fitted;
}

async function stateless(state, messages) {
  // What runTurn did before the ledger, step for step.
  const { count } = state.counter;
  const toolTokens = countTokens(JSON.stringify(tools));
  const budget = limits.contextWindow - limits.maxOutputTokens - toolTokens - 3;
  const trimmed = trimHistory(messages, { budget, lowWater: 0.6, count, ...(state.cut !== undefined ? { previousCut: state.cut } : {}) });
  if (trimmed.dropped.to > trimmed.dropped.from) state.cut = trimmed.dropped.to;
  await preflightCount({ messages: trimmed.messages, tools }, { model, limits });
  return trimmed;
}

function direct(messages) {
  let n = 3;
  for (const m of messages) {
    n += 4 + countTokens(m.content);
    if (m.toolCalls) for (const c of m.toolCalls) n += countTokens(c.name) + countTokens(c.arguments);
    if (m.role === 'tool') n += countTokens(m.toolCallId);
  }
  return n + countTokens(JSON.stringify(tools));
}

async function timeEach(prepare) {
  const samples = [];
  for (const messages of requests(history)) {
    const t0 = performance.now();
    await prepare(messages);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

// Warm the encoding and the JIT on a short session (not measured).
{
  const warm = history.slice(0, 401);
  const cache = new ContextCache();
  await withLedger(cache, warm);
  await stateless({ counter: await loadMessageCounter(model) }, warm);
  direct(warm);
}

// The ledger: first request of a session loaded with 900 turns (counts them all once), then the timed ones.
const cache = new ContextCache();
const t0 = performance.now();
const keptAtFirst = (await withLedger(cache, copyJson(history))).messages.length;
const coldMs = performance.now() - t0;
const ledgerRun = await timeEach((messages) => withLedger(cache, messages));

// Heap a session's ledger keeps: 20 sessions of 1,000 turns, after gc (the history itself is the session's, not counted).
const full = [...history];
for (let t = TURNS - timedTurns + 1; t <= TURNS; t += 1) full.push(...turnMessages(t));
const heapCache = new ContextCache(64);
const counter = await heapCache.counter(model);
for (const m of full) counter.count(m);
gc();
const heapOf = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const heapBefore = heapOf();
for (let s = 0; s < 20; s += 1) heapCache.ledger(`s${s}`, model, counter).sync(full);
gc();
const heapPerSession = (heapOf() - heapBefore) / 20;

const statelessState = { counter: await loadMessageCounter(model) };
const statelessRun = await timeEach((messages) => stateless(statelessState, messages));
const directRun = await timeEach(async (messages) => direct(messages));

// Same cut, same kept tokens: both paths prepare the same request.
const last = copyJson(history);
const lastLedger = await withLedger(new ContextCache(), last);
const lastStateless = await stateless({ counter: await loadMessageCounter(model) }, last);
if (lastLedger.dropped.to !== lastStateless.dropped.to || lastLedger.keptTokens !== lastStateless.keptTokens) {
  throw new Error(`the ledger and the stateless path disagree: ${JSON.stringify([lastLedger.dropped, lastStateless.dropped])}`);
}

report(
  `preparing a request, ${TURNS}-turn session (${4 * TURNS + 1} messages, gpt-4o, 32K window, trimmed), ms per request over the last ${timedTurns} turns`,
  {
    'agentbox, session ledger (median)': fmt(ledgerRun.median),
    'agentbox, session ledger (p99)': fmt(ledgerRun.p99),
    'agentbox before the ledger (median)': fmt(statelessRun.median),
    'gpt-tokenizer on the whole history (median)': fmt(directRun.median),
    'ratio ledger / before': `${fmt(ledgerRun.median / statelessRun.median, 4)}×`,
    'ratio ledger / whole-history count': `${fmt(ledgerRun.median / directRun.median, 4)}×`,
    'first request of a loaded session (counts all)': `${fmt(coldMs)} ms, ${keptAtFirst} messages kept`,
    "heap a 1,000-turn session's ledger keeps": `${fmt(heapPerSession / 1024, 1)} KB (heap + array buffers; 256 sessions a runtime at most)`,
  },
);
