/**
 * The public names of every entry point, listed by hand: an export added or dropped by
 * accident shows up here in review. Types are not listed (they have no runtime name);
 * `tsc` checks them through the entry files' explicit export lists.
 */
import { describe, expect, it } from 'vitest';

const entryPoints: Record<string, { module: () => Promise<Record<string, unknown>>; names: string[] }> = {
  agentbox: {
    module: () => import('../src/index.js'),
    names: [
      'AgentboxError',
      'BaseRuntime',
      'ConfigError',
      'EventBus',
      'LlmError',
      'MemorySessionStore',
      'applyEvent',
      'builtinTools',
      'calculatorTool',
      'configSchema',
      'createAuthorizer',
      'createHttpFetchTool',
      'createModelFromConfig',
      'createOpenAICompatibleModel',
      'createToolCallAuthorizer',
      'currentTimeTool',
      'defineTool',
      'emptySession',
      'foldEvents',
      'intersectCapabilities',
      'redactConfig',
      'resolveConfig',
      'resolveLlmEndpoint',
      'resolveWorkflowSecrets',
      'runtimeOptionsFromConfig',
      'serializeError',
      'toolPermission',
    ],
  },
  'agentbox/node': {
    module: () => import('../src/node/index.js'),
    names: [
      'McpToolSource',
      'NodeDirectoryAdapter',
      'NodeRuntime',
      'NodeWasmHost',
      'ProcessMonitor',
      'SqliteSessionStore',
      'SqliteWorkflowJournal',
      'WorkerJqBackend',
      'configFileNames',
      'createFsTools',
      'createIsolateSandbox',
      'createNodeJqEvaluator',
      'createPromptFolder',
      'createQuickJsWorkerSandbox',
      'defaultLinkRegistryDir',
      'defaultStorePath',
      'findConfigFile',
      'httpTransports',
      'loadConfig',
      'loadConfigFile',
      'loadConfiguredTools',
      'loadMcpToolSources',
      'mcpSourceOptions',
      'openSessionStore',
      'openWorkflowJournal',
      'runWasi',
      'startServer',
      'stdioTransports',
    ],
  },
  'agentbox/sandbox': {
    module: () => import('../src/sandbox/index.js'),
    names: [
      'DirectoryAccessError',
      'MemoryDirectoryAdapter',
      'WasmModuleCache',
      'createAllowListedFetch',
      'createQuickJsSandbox',
      'createScriptTool',
      'createWasmTool',
      'loadWasmTool',
      'parseScriptToolManifest',
      'parseWasmManifest',
      'runWasiModule',
    ],
  },
  'agentbox/web': {
    module: () => import('../src/web/index.js'),
    names: [
      'AgentboxClient',
      'BrowserWasmHost',
      'IndexedDbSessionStore',
      'IndexedDbWorkflowJournal',
      'WebRuntime',
      'WebWorkerJqBackend',
      'createWorkerRuntimeFactory',
      'exposeRuntime',
    ],
  },
  'agentbox/server': {
    module: () => import('../src/server/index.js'),
    names: ['createServerApp', 'createServerAuthorizer', 'hashApiKey', 'openApiDocument'],
  },
  'agentbox/prompt': {
    module: () => import('../src/prompt/index.js'),
    names: [
      'countMessageTokens',
      'countTextTokens',
      'createMemoryPromptLoader',
      'createPromptRenderer',
      'encodingForModel',
      'hashText',
      'parsePromptFile',
      'renderPrompt',
      'validateJson',
    ],
  },
  'agentbox/workflow': {
    module: () => import('../src/workflow/index.js'),
    names: [
      'InThreadJqBackend',
      'JqEvaluator',
      'JqFailure',
      'MemoryWorkflowJournal',
      'TaskListBuilder',
      'WorkflowBuilder',
      'WorkflowEngine',
      'WorkflowFault',
      'WorkflowValidationError',
      'applyRunEvent',
      'createRuntimeWorkflowHost',
      'durationMs',
      'foldRunEvents',
      'problemTypes',
      'retryDelay',
      'runtimeArguments',
      'task',
      'validateWorkflow',
      'workflow',
      'workflowGraph',
      'workflowKey',
    ],
  },
  'agentbox/test (browser)': { module: () => import('../src/testing/index.js'), names: ['createScriptedModel'] },
  'agentbox/test (node)': { module: () => import('../src/node/testing/index.js'), names: ['createScriptedModel', 'startScriptedLlmServer'] },
};

describe.each(Object.entries(entryPoints))('%s', (_name, { module, names }) => {
  it('exports exactly the listed names', async () => {
    expect(Object.keys(await module()).sort()).toEqual([...names].sort());
  });
});

describe('package.json exports', () => {
  it('maps every subpath to a built entry, types first, agentbox/test by platform', async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    const exports = pkg.exports as Record<string, Record<string, unknown>>;
    expect(Object.keys(exports).sort()).toEqual(['.', './node', './prompt', './sandbox', './server', './test', './web', './workflow']);
    for (const [subpath, target] of Object.entries(exports)) {
      if (subpath === './test') continue;
      expect(Object.keys(target), subpath).toEqual(['types', 'default']);
    }
    expect(exports['./test']).toEqual({
      node: { types: './dist/node/testing/index.d.ts', default: './dist/node/testing/index.js' },
      default: { types: './dist/testing/index.d.ts', default: './dist/testing/index.js' },
    });
  });
});
