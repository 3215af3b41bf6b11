import { safeUrl } from '../../agent/llm/create-redactor.js';
import type { Command } from 'commander';
import { resolveLlmEndpoint } from '../../config/resolve-llm-endpoint.js';
import { CliContext } from '../cli-context.js';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `agentbox status`: what this runtime would use, and the process figures of the monitor. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show the configured endpoint, store, tools, and process figures (CPU, memory, event-loop delay)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = new CliContext(command);
      try {
        const runtime = await context.openRuntime();
        const endpoint = resolveLlmEndpoint(runtime.config.llm);
        const sessions = await runtime.listSessions({ limit: 1_000_000 });
        const status = {
          version: program.version(),
          node: process.version,
          llm: { baseUrl: safeUrl(endpoint.baseUrl), model: endpoint.model, configured: !endpoint.isDefault },
          store: runtime.config.store,
          sessions: sessions.length,
          tools: runtime.tools.list().map((t) => t.name),
          process: runtime.monitor.snapshot(),
        };
        if (options.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        const p = status.process;
        process.stdout.write(
          [
            `agentbox ${status.version} on Node ${status.node}`,
            `LLM      ${status.llm.baseUrl} model ${status.llm.model}${status.llm.configured ? '' : ' (default: nothing configured)'}`,
            `store    ${status.store.kind}${status.store.path ? ` ${status.store.path}` : ''} · ${status.sessions} session(s)`,
            `tools    ${status.tools.join(', ')}`,
            `process  pid ${p.pid} · cpu ${p.cpuPercent.toFixed(1)}% · rss ${mib(p.rssBytes)} · heap ${mib(p.heapUsedBytes)}/${mib(p.heapTotalBytes)} · event-loop delay p99 ${p.eventLoopDelayMs.p99.toFixed(1)} ms`,
            `host     ${p.host.cpus} cpu(s) · load ${p.host.loadAverage.map((l) => l.toFixed(2)).join(' ')} · memory ${mib(p.host.freeMemoryBytes)} free of ${mib(p.host.totalMemoryBytes)}`,
            '',
          ].join('\n'),
        );
      } finally {
        await context.close();
      }
    });
}
