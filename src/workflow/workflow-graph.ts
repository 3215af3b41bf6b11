import { childListsOf, entryOf, taskKindOf } from './task-tree.js';
import type { SwitchTask, Task, TaskList, WorkflowDefinition } from './workflow-definition.js';

/**
 * A workflow as a Mermaid flowchart (`agentbox workflow graph FILE`): one node per task
 * labelled with its name and kind, composite tasks (`do`, `for`, `try`, `fork`) as
 * subgraphs holding their lists, arrows for the flow (`then:` jumps and `switch` cases
 * labelled with their `when`). A pure function of the definition: the same file gives the
 * same text, so a diagram can be committed and diffed. Node ids follow task order (`t0`, …).
 *
 * @example
 * workflowGraph({ document, do: [{ greet: { set: { message: 'hi' } } }] });
 * // flowchart TD\n  start(((start)))\n  t0["greet<br/>set"]\n  …
 */
export function workflowGraph(definition: WorkflowDefinition): string {
  const lines = ['flowchart TD', '  start(((start)))', '  finish(((end)))'];
  const edges: string[] = [];
  let next = 0;
  const edge = (from: string, to: string, label?: string): void => {
    edges.push(label ? `  ${from} -->|${text(label)}| ${to}` : `  ${from} --> ${to}`);
  };

  /** Draws a list; returns the id of its first task (where arrows into the list go), if any. */
  const drawList = (list: TaskList, indent: string, exit: string | undefined, parallel = false): string | undefined => {
    const entries = list.map((item) => entryOf(item)).filter((e): e is [string, Task] => e !== undefined);
    const ids = entries.map(() => `t${next++}`);
    const idOf = new Map(entries.map(([name], i) => [name, ids[i] as string]));
    entries.forEach(([name, task], i) => {
      const id = ids[i] as string;
      const found = taskKindOf(task);
      const kind = found ?? 'unknown';
      const children = childListsOf(task, found, '');
      const label = `${name}<br/>${kind}${kind === 'fork' && (task as { fork: { compete?: boolean } }).fork.compete ? ' (compete)' : ''}`;
      if (children.length === 0) lines.push(`${indent}${id}["${text(label)}"]`);
      else {
        lines.push(`${indent}subgraph ${id}["${text(label)}"]`);
        // A fork's branches run side by side: no arrows between them.
        for (const child of children) drawList(child.list, `${indent}  `, undefined, kind === 'fork');
        lines.push(`${indent}end`);
      }
      const following = i + 1 < ids.length && !parallel ? ids[i + 1] : exit;
      const target = (directive: string | undefined): string | undefined => {
        if (directive === undefined || directive === 'continue') return following;
        if (directive === 'end') return 'finish';
        if (directive === 'exit') return exit;
        return idOf.get(directive);
      };
      if (kind === 'switch') {
        let hasDefault = false;
        for (const item of (task as SwitchTask).switch ?? []) {
          for (const [caseName, c] of Object.entries(item ?? {})) {
            if (c?.when === undefined) hasDefault = true;
            const to = target(c?.then);
            if (to) edge(id, to, c?.when !== undefined ? `${caseName}: ${c.when}` : caseName);
          }
        }
        if (hasDefault) return;
      }
      const to = target(task.then);
      if (to) edge(id, to);
    });
    return ids[0];
  };

  const first = drawList(definition.do ?? [], '  ', 'finish');
  edge('start', first ?? 'finish');
  return `${[...lines, ...edges].join('\n')}\n`;
}

/** Mermaid label text: quotes and pipes would end the label early. */
function text(value: string): string {
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return short.replaceAll('"', '#quot;').replaceAll('|', '#124;');
}
