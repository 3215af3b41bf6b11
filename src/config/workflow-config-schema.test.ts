import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { redactConfig } from './redact-config.js';
import { resolveWorkflowSecrets } from './workflow-config-schema.js';

describe('workflow.secrets', () => {
  it('takes values and environment references, reads the environment, names what is unset', () => {
    const config = configSchema.parse({ workflow: { secrets: { token: { env: 'API_TOKEN' }, plain: 'p4ssw0rd', gone: { env: 'NOT_SET' } } } });
    expect(resolveWorkflowSecrets(config.workflow.secrets, { API_TOKEN: 'from-env' })).toEqual({
      secrets: { token: 'from-env', plain: 'p4ssw0rd' },
      missing: ['gone ($NOT_SET)'],
    });
    expect(configSchema.parse({}).workflow.secrets).toEqual({});
    expect(JSON.stringify(redactConfig(config))).not.toContain('p4ssw0rd');
  });

  it('refuses a name that is not a jq identifier and a value of another shape', () => {
    expect(configSchema.safeParse({ workflow: { secrets: { 'a-b': 'x' } } }).success).toBe(false);
    expect(configSchema.safeParse({ workflow: { secrets: { a: 1 } } }).success).toBe(false);
    expect(configSchema.safeParse({ workflow: { secrets: { a: { env: 'X', extra: 1 } } } }).success).toBe(false);
  });
});
