import { describeScriptSandboxContract } from '../../sandbox/script/script-sandbox-contract.test-support.js';
import { createQuickJsWorkerSandbox } from './quickjs-worker-pool.js';
import { startLoopbackHttpServer } from './loopback-http-server.test-support.js';

describeScriptSandboxContract('QuickJS in worker threads', () => createQuickJsWorkerSandbox({ perProcess: 2 }), {
  startHttpServer: () => startLoopbackHttpServer(),
});
