import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileWorkflowResolver, readWorkflowFile } from './workflow-files.js';

const doc = (name: string) => `document: { dsl: '1.0.0', namespace: t, name: ${name}, version: '1' }\ndo:\n  - x:\n      set: { a: 1 }\n`;

describe('workflow files', () => {
  it('finds a sub-workflow in the same file first, then beside it; names files beside it that do not parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentbox-wf-'));
    writeFileSync(join(dir, 'main.yaml'), `${doc('main')}---\n${doc('inner')}`);
    writeFileSync(join(dir, 'beside.yml'), doc('beside'));
    writeFileSync(join(dir, 'notes.txt'), doc('ignored'));
    const { definition, others } = await readWorkflowFile(join(dir, 'main.yaml'));
    expect(definition).toMatchObject({ document: { name: 'main' } });
    const resolve = fileWorkflowResolver(join(dir, 'main.yaml'), others);
    expect(await resolve({ namespace: 't', name: 'inner', version: '1' })).toMatchObject({ document: { name: 'inner' } });
    expect(await resolve({ namespace: 't', name: 'beside', version: '1' })).toMatchObject({ document: { name: 'beside' } });
    expect(await resolve({ namespace: 't', name: 'ignored', version: '1' })).toBeUndefined();
    writeFileSync(join(dir, 'broken.yaml'), 'do: [unclosed');
    const fresh = fileWorkflowResolver(join(dir, 'main.yaml'), others);
    await expect(fresh({ namespace: 't', name: 'missing', version: '1' })).rejects.toThrow(/broken\.yaml/);
  });
});
