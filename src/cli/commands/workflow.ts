import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AgentboxError } from '../../errors/agentbox-error.js';
import { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import type { RunResult, WorkflowEngine } from '../../workflow/workflow-engine.js';
import type { WorkflowResolver } from '../../workflow/sub-workflows.js';
import type { AgentboxConfig } from '../../config/config-schema.js';
import { workflowSecrets } from '../workflow-secrets.js';

interface RunOptions {
  input?: string;
  inputFile?: string;
  json?: boolean;
  allowHost?: string[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The run's grant: `tools.http.hosts` plus this run's `--allow-host` patterns (each checked). */
async function runHosts(configured: readonly string[] | undefined, allowed: readonly string[] | undefined): Promise<string[]> {
  const { parseHostPattern } = await import('../../auth/host-pattern.js');
  for (const host of allowed ?? []) {
    const parsed = parseHostPattern(host);
    if (typeof parsed === 'string') throw new AgentboxError('INVALID_INPUT', `--allow-host ${parsed}`);
  }
  return [...new Set([...(configured ?? []), ...(allowed ?? [])])];
}

async function readDefinition(file: string): Promise<unknown> {
  const { readWorkflowFile } = await import('../workflow-files.js');
  return (await readWorkflowFile(file)).definition;
}

function readInput(options: RunOptions): unknown {
  if (options.input !== undefined && options.inputFile !== undefined) throw new AgentboxError('INVALID_INPUT', 'pass --input or --input-file, not both');
  const text = options.inputFile !== undefined ? readFileSync(options.inputFile, 'utf8') : options.input;
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AgentboxError('INVALID_INPUT', `the workflow input is not JSON: ${(error as Error).message}`);
  }
}

/** Opens the runtime (the host of call: tool | llm | agent), the journal beside the sessions, and an engine. */
async function withEngine<T>(
  command: Command,
  options: { json?: boolean; resolveWorkflow?: WorkflowResolver },
  body: (engine: WorkflowEngine, principal: string, config: AgentboxConfig) => Promise<T>,
): Promise<T> {
  const context = new CliContext(command);
  const config = await context.loadConfig();
  const [
    { openWorkflowJournal },
    { WorkflowEngine },
    { createRuntimeWorkflowHost },
    { nodeLeaseHolder },
    { progressLine },
    { createAuthorizer },
    { createNodeJqEvaluator },
  ] = await Promise.all([
    import('../../node/store/open-workflow-journal.js'),
    import('../../workflow/workflow-engine.js'),
    import('../../runtime/create-runtime-workflow-host.js'),
    import('../../node/store/lease-holder.js'),
    import('../workflow-output.js'),
    import('../../auth/authorizer.js'),
    import('../../node/workflow/worker-jq-backend.js'),
  ]);
  const journal = await openWorkflowJournal(config.store);
  try {
    const runtime = await context.openRuntime();
    const jq = createNodeJqEvaluator({ timeoutMs: config.workflow.expressionTimeoutMs });
    const engine = new WorkflowEngine({
      journal,
      jq,
      host: createRuntimeWorkflowHost(runtime, { http: config.tools.http ?? {}, mcp: config.tools.mcp, authorizer: createAuthorizer(config.auth) }),
      secrets: workflowSecrets(config),
      holder: nodeLeaseHolder(),
      ...(options.resolveWorkflow ? { resolveWorkflow: options.resolveWorkflow } : {}),
      // The run id comes first, even with --json: it is what `resume` needs after a crash.
      onEvent: (event) => {
        const line = event.type === 'run.started' ? `run ${event.runId} started\n` : options.json ? undefined : progressLine(event);
        if (line) process.stderr.write(line);
      },
    });
    try {
      return await body(engine, runtime.defaultPrincipal, config);
    } finally {
      await engine.close();
      await jq.close();
    }
  } finally {
    await journal.close();
    await context.close();
  }
}

async function report(result: RunResult, json: boolean | undefined): Promise<void> {
  const { resultJson, resultText } = await import('../workflow-output.js');
  if (json) process.stdout.write(resultJson(result));
  else {
    const text = resultText(result);
    process.stdout.write(text.stdout);
    process.stderr.write(text.stderr);
  }
  if (result.status !== 'completed') process.exitCode = ExitCode.agent;
}

export function registerWorkflowCommands(program: Command): void {
  const workflow = program.command('workflow').description('validate, run and resume durable workflows (CNCF Serverless Workflow 1.0, jq expressions)');

  workflow
    .command('validate')
    .description('check workflow files; each error names its task path (exit 2 if any is invalid)')
    .argument('<files...>', 'YAML or JSON workflow files')
    .action(async (files: string[]) => {
      const [{ validateWorkflow }, { JqEvaluator }] = await Promise.all([
        import('../../workflow/validate-workflow.js'),
        import('../../workflow/jq-evaluator.js'),
      ]);
      const jq = new JqEvaluator();
      let invalid = false;
      for (const file of files) {
        let result: Awaited<ReturnType<typeof validateWorkflow>>;
        try {
          result = await validateWorkflow(await readDefinition(file), { jq });
        } catch (error) {
          invalid = true;
          process.stderr.write(`${file}: ${(error as Error).message}\n`);
          continue;
        }
        for (const i of result.issues) process.stderr.write(`${file}: ${i.severity === 'warning' ? 'warning' : 'error'} ${i.path || '/'}: ${i.message}\n`);
        if (result.ok) process.stdout.write(`${file}: valid\n`);
        else invalid = true;
      }
      if (invalid) process.exitCode = ExitCode.usage;
    });

  workflow
    .command('run')
    .description('run a workflow; progress on stderr, the output on stdout (exit 0 completed, 5 faulted, 2 invalid)')
    .argument('<file>', 'YAML or JSON workflow file')
    .option('--input <json>', 'the workflow input, as JSON')
    .option('--input-file <file>', 'read the workflow input (JSON) from a file')
    .option('--json', 'print exactly one JSON object: { runId, status, output?, error?, tasks }')
    .option(
      '--allow-host <host>',
      'let call: http | openapi reach this host (api.example.com, *.example.com, host:port) in this run, besides tools.http.hosts; repeatable; kept on resume',
      collect,
    )
    .action(async (file: string, options: RunOptions, command: Command) => {
      const { readWorkflowFile, fileWorkflowResolver } = await import('../workflow-files.js');
      const { definition, others } = await readWorkflowFile(file);
      const input = readInput(options);
      await withEngine(command, { ...options, resolveWorkflow: fileWorkflowResolver(file, others) }, async (engine, principal, config) => {
        // The run keeps this principal and these hosts (its grants) when it is resumed.
        const hosts = await runHosts(config.tools.http?.hosts, options.allowHost);
        const result = await engine.start(definition, { input, principal, hosts });
        await report(result, options.json);
        await awaitDetached(engine);
      });
    });

  workflow
    .command('resume')
    .description('continue a run after a crash: finished tasks are not run again (exit 6 if no such run)')
    .argument('<runId>', 'run id')
    .option('--json', 'print exactly one JSON object, as for run')
    .action((runId: string, options: { json?: boolean }, command: Command) =>
      withEngine(command, options, async (engine) => {
        await report(await engine.resume(runId), options.json);
        await awaitDetached(engine);
      }),
    );

  workflow
    .command('status')
    .description('show a run: its status, output or error, and its tasks')
    .argument('<runId>', 'run id')
    .option('--json', 'print JSON')
    .action((runId: string, options: { json?: boolean }, command: Command) =>
      withEngine(command, { json: true }, async (engine) => {
        const result = await engine.status(runId);
        const { resultJson } = await import('../workflow-output.js');
        if (options.json) process.stdout.write(resultJson(result));
        else {
          process.stdout.write(`run ${result.runId} ${result.status}\n`);
          for (const t of result.tasks) process.stdout.write(`  ${t.status.padEnd(9)} ${t.path}\n`);
        }
      }),
    );

  workflow
    .command('list')
    .description('list workflow runs, most recent first')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withEngine(command, { json: true }, async (engine) => {
        const runs = await engine.list();
        const { runListText } = await import('../workflow-output.js');
        process.stdout.write(options.json ? `${JSON.stringify(runs, null, 2)}\n` : runListText(runs));
      }),
    );

  workflow
    .command('cancel')
    .description('cancel a run: at once if no process runs it, otherwise the process running it stops within a second (exit 6 if no such run)')
    .argument('<runId>', 'run id')
    .option('--json', 'print JSON: { runId, status, cancelled }')
    .action((runId: string, options: { json?: boolean }, command: Command) =>
      withEngine(command, { json: true }, async (engine) => {
        const { cancelled, result } = await engine.cancel(runId, { reason: 'cancelled with agentbox workflow cancel' });
        const status = cancelled ? 'cancelled' : 'cancel requested';
        process.stdout.write(
          options.json ? `${JSON.stringify({ runId, status: cancelled ? 'cancelled' : result.status, cancelled })}\n` : `run ${runId} ${status}\n`,
        );
      }),
    );

  workflow
    .command('post')
    .description('post an event to a run, for its listen tasks (an approval, news); the run need not be running in this process')
    .argument('<runId>', 'run id')
    .requiredOption('--type <type>', 'the event type its listen filters on')
    .option('--data <json>', 'the event data, as JSON')
    .option('--source <source>', 'the event source')
    .action((runId: string, options: { type: string; data?: string; source?: string }, command: Command) =>
      withEngine(command, { json: true }, async (engine) => {
        let data: unknown;
        try {
          data = options.data === undefined ? undefined : JSON.parse(options.data);
        } catch (error) {
          throw new AgentboxError('INVALID_INPUT', `the event data is not JSON: ${(error as Error).message}`);
        }
        const seq = await engine.postEvent(runId, {
          type: options.type,
          ...(options.source !== undefined ? { source: options.source } : {}),
          ...(data !== undefined ? { data } : {}),
        });
        process.stdout.write(`event ${seq} posted to run ${runId}\n`);
      }),
    );

  workflow
    .command('graph')
    .description('print a workflow as a Mermaid flowchart')
    .argument('<file>', 'YAML or JSON workflow file')
    .action(async (file: string) => {
      const [{ validateWorkflow }, { JqEvaluator }, { workflowGraph }] = await Promise.all([
        import('../../workflow/validate-workflow.js'),
        import('../../workflow/jq-evaluator.js'),
        import('../../workflow/workflow-graph.js'),
      ]);
      const validation = await validateWorkflow(await readDefinition(file), { jq: new JqEvaluator() });
      if (!validation.ok) {
        const { WorkflowValidationError } = await import('../../workflow/workflow-issue.js');
        throw new WorkflowValidationError(validation.issues, file);
      }
      process.stdout.write(workflowGraph(validation.workflow));
    });
}

/** Runs started with `run.await: false` live in this process: it stays until they end (Ctrl-C leaves them resumable). */
async function awaitDetached(engine: WorkflowEngine): Promise<void> {
  if (engine.detachedRuns === 0) return;
  process.stderr.write(`waiting for ${engine.detachedRuns} run(s) started with await: false (Ctrl-C leaves them resumable with workflow resume)\n`);
  await engine.settled();
}
