import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AgentboxError } from '../errors/agentbox-error.js';
import type { WorkflowReference, WorkflowResolver } from '../workflow/sub-workflows.js';

/**
 * Reads a workflow file: YAML or JSON (YAML is a superset). The first YAML document is the
 * workflow; any further documents (after `---`) are workflows it may run with `run: workflow`.
 * INVALID_INPUT names an unreadable file, WORKFLOW_INVALID one that does not parse.
 */
export async function readWorkflowFile(file: string): Promise<{ definition: unknown; others: unknown[] }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AgentboxError('INVALID_INPUT', `cannot read workflow file ${file}: ${(error as Error).message}`);
  }
  const { parseAllDocuments } = await import('yaml');
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  const failed = list.flatMap((d) => d.errors)[0];
  if (failed) throw new AgentboxError('WORKFLOW_INVALID', `${file} is not valid YAML or JSON: ${failed.message}`);
  const [first, ...rest] = list.map((d) => d.toJS() as unknown);
  return { definition: first, others: rest };
}

/**
 * Where `run: workflow` finds a workflow by namespace, name and version: the other
 * documents of the same file first, then the YAML and JSON files in the same directory
 * (read only when a reference needs them; when none matches, files that did not parse are
 * named in the error).
 */
export function fileWorkflowResolver(file: string, others: unknown[]): WorkflowResolver {
  let beside: { found: unknown[]; unreadable: string[] } | undefined;
  const matches = (value: unknown, ref: WorkflowReference): boolean => {
    const doc = (value as { document?: Record<string, unknown> } | null)?.document;
    return doc?.namespace === ref.namespace && doc?.name === ref.name && String(doc?.version) === ref.version;
  };
  return async (ref) => {
    const inFile = others.find((o) => matches(o, ref));
    if (inFile !== undefined) return inFile;
    beside ??= await readBeside(file);
    const match = beside.found.find((o) => matches(o, ref));
    // A typo in the file that holds it must not read as "no such workflow".
    if (match === undefined && beside.unreadable.length > 0)
      throw new Error(`not found, and these files beside it do not parse: ${beside.unreadable.join('; ')}`);
    return match;
  };
}

async function readBeside(file: string): Promise<{ found: unknown[]; unreadable: string[] }> {
  const directory = dirname(resolve(file));
  const found: unknown[] = [];
  const unreadable: string[] = [];
  for (const name of readdirSync(directory).sort()) {
    if (!/\.(ya?ml|json)$/i.test(name) || name === basename(file)) continue;
    try {
      const { definition, others } = await readWorkflowFile(join(directory, name));
      found.push(definition, ...others);
    } catch (error) {
      unreadable.push(`${name} (${((error as Error).message.split('\n')[0] ?? '').slice(0, 120)})`);
    }
  }
  return { found, unreadable };
}
