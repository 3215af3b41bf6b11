import { describe, expect, it } from 'vitest';
import { isSecretKey, redactConfig, redactSecrets } from './redact-config.js';
import { resolveConfig } from './resolve-config.js';

describe('redactConfig', () => {
  it('hides the API key everywhere in the output and leaves the rest intact', () => {
    const secret = 'sk-live-1234567890abcdef';
    const config = resolveConfig({ env: { OPENAI_API_KEY: secret, AGENTBOX_MODEL: 'gpt' }, flags: { llm: { maxTokens: 512 } } });
    const shown = redactConfig(config);
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect(JSON.stringify(shown, null, 2)).not.toContain('1234567890');
    expect(shown.llm).toMatchObject({ apiKey: '[redacted]', model: 'gpt', maxTokens: 512 });
    // The original is untouched: redaction is for display only.
    expect(config.llm.apiKey).toBe(secret);
  });

  it('redacts secret-named keys at any depth and passwords inside URLs', () => {
    const out = redactSecrets({
      auth: { accessToken: 't0k', client_secret: 's3c', dbPassword: 'p4s', credentials: { user: 'u', pass: 'x' } },
      list: [{ apiKey: 'k3y' }],
      url: 'postgres://admin:hunter2@db.example:5432/app',
      plain: 'https://example.com/v1',
      empty: { token: '' },
    });
    const text = JSON.stringify(out);
    for (const secret of ['t0k', 's3c', 'p4s', 'k3y', 'hunter2', '"pass"']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({
      url: 'postgres://admin:[redacted]@db.example:5432/app',
      plain: 'https://example.com/v1',
      empty: { token: '' },
    });
  });

  it('judges keys by their last word, so counts are not mistaken for secrets', () => {
    expect(['apiKey', 'api_key', 'token', 'authToken', 'password', 'clientSecret', 'secretName'].every(isSecretKey)).toBe(true);
    expect(['maxTokens', 'keyId', 'model', 'monkey', 'tokenizer'].some(isSecretKey)).toBe(false);
  });
});
