import { resolve } from 'node:path';
import type { Command } from 'commander';
import { redactConfig } from '../../config/redact-config.js';
import { resolveLlmEndpoint } from '../../config/resolve-llm-endpoint.js';
import { CliContext } from '../cli-context.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('show or validate configuration');

  config
    .command('show')
    .description('print the merged configuration (file < environment < flags), secrets redacted')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const merged = redactConfig(await new CliContext(command).loadConfig());
      const endpoint = resolveLlmEndpoint(merged.llm);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
      process.stderr.write(`LLM endpoint: ${endpoint.baseUrl} model ${endpoint.model}${endpoint.isDefault ? ' (default: nothing configured)' : ''}\n`);
    });

  config
    .command('validate')
    .description('check a config file (default: the one found in the working directory)')
    .argument('[file]', 'config file to check')
    .action(async (file: string | undefined, _options: unknown, command: Command) => {
      if (!file) {
        await new CliContext(command).loadConfig();
        process.stdout.write('configuration is valid\n');
        return;
      }
      const path = resolve(file);
      // The file alone: no environment or flags mixed in, so every error is the file's.
      const { loadConfig } = await import('../../node/config/config-file.js');
      await loadConfig({ cwd: process.cwd(), configPath: path, env: {}, flags: {} });
      process.stdout.write(`${path} is valid\n`);
    });
}
