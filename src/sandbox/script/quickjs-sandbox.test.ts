import { startLoopbackHttpServer } from '../../node/script/loopback-http-server.test-support.js';
import { createQuickJsSandbox } from './quickjs-sandbox.js';
import { describeScriptSandboxContract } from './script-sandbox-contract.test-support.js';

describeScriptSandboxContract('QuickJS', () => createQuickJsSandbox(), { startHttpServer: () => startLoopbackHttpServer() });
