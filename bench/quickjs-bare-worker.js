/**
 * The baseline worker of script-sandbox.bench.js: a warm quickjs-emscripten module that
 * evaluates what it is sent in a fresh context and posts back the result text. No
 * sandboxing beyond QuickJS itself: the least a worker-hosted QuickJS call can cost.
 */
import { parentPort } from 'node:worker_threads';
import { newQuickJSWASMModule } from 'quickjs-emscripten';

const module = await newQuickJSWASMModule();
parentPort.on('message', (message) => {
  if (message.warm) return parentPort.postMessage('warm');
  if (message.echo) return parentPort.postMessage(message.echo);
  const ctx = module.newContext();
  const handle = ctx.unwrapResult(ctx.evalCode(message.code));
  const text = ctx.getString(handle);
  handle.dispose();
  ctx.dispose();
  parentPort.postMessage(text);
});
