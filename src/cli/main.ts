#!/usr/bin/env node
/** The `agentbox` command: parses arguments, runs a command, maps errors to exit codes. */
import { CommanderError } from 'commander';
import { AgentboxError } from '../errors/agentbox-error.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { createProgram } from './program.js';

async function main(argv: string[]): Promise<void> {
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, the version, or the usage error.
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = exitCodeFor(error);
  }
}

function describeError(error: unknown): string {
  if (AgentboxError.isInstance(error)) return `error ${error.code}: ${error.message}`;
  if (error instanceof Error) return `error: ${error.stack ?? error.message}`;
  return `error: ${String(error)}`;
}

// `agentbox … | head` closes the pipe early: that is the reader being done, not an error
// worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

void main(process.argv);
