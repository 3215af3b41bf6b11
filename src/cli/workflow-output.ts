import type { RunEvent } from '../workflow/run-events.js';
import { runReport } from '../workflow/run-report.js';
import type { RunResult } from '../workflow/workflow-engine.js';
import type { RunSummary } from '../workflow/workflow-journal.js';

/** One progress line per task start and end (stderr), so stdout keeps only the output. */
export function progressLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'task.started':
      return `> ${event.key}\n`;
    case 'task.completed':
      return `ok ${event.key}\n`;
    case 'task.skipped':
      return `skip ${event.key}\n`;
    case 'task.faulted':
      return `fault ${event.key}: ${event.error.title ?? event.error.type}\n`;
    case 'task.retrying':
      return `retry ${event.key} (attempt ${event.attempt} in ${event.delayMs} ms)\n`;
    default:
      return undefined;
  }
}

/** The `--json` contract: exactly one object, `output` only when completed, `error` only when faulted. */
export function resultJson(result: RunResult): string {
  return `${JSON.stringify(runReport(result))}\n`;
}

export function resultText(result: RunResult): { stdout: string; stderr: string } {
  const summary = `run ${result.runId} ${result.status}\n`;
  if (result.status === 'completed') return { stdout: `${JSON.stringify(result.output ?? null, null, 2)}\n`, stderr: summary };
  const e = result.error;
  const detail = e ? `error ${e.type} (${e.status}) at ${e.instance ?? '?'}: ${e.title ?? ''}${e.detail ? ` — ${e.detail}` : ''}\n` : '';
  return { stdout: '', stderr: summary + detail };
}

export function runListText(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no workflow runs\n';
  return `${runs.map((r) => `${r.runId}  ${r.status.padEnd(9)}  ${new Date(r.updatedAt).toISOString()}  ${r.workflow}`).join('\n')}\n`;
}
