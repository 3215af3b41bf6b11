import { describeScriptSandboxContract } from '../../sandbox/script/script-sandbox-contract.test-support.js';
import { buildIsolateChildEntry } from './isolate-child-entry.test-support.js';
import { createIsolateSandbox } from './isolate-sandbox.js';
import { startLoopbackHttpServer } from './loopback-http-server.test-support.js';

describeScriptSandboxContract('V8 isolate', async () => createIsolateSandbox({ childEntry: await buildIsolateChildEntry() }), {
  startHttpServer: () => startLoopbackHttpServer(),
});
