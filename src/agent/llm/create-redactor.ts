/**
 * Blanks secrets in text bound for errors, events and logs. Error messages quote server
 * responses, and some servers echo the API key they rejected.
 *
 * `maxChars` cuts the text too, and the order matters: the secrets are blanked in the
 * whole text first, then it is cut, then a tail that begins a secret (a key the server
 * itself cut short, or a prefix left at our cut) is blanked as well. Cutting first would
 * leave half a key in the excerpt.
 */
export type Redact = (text: string, maxChars?: number) => string;

/** A secret's prefix shorter than this at the end of an excerpt is left alone: it says nothing. */
const MIN_PREFIX_CHARS = 4;
const REDACTED = '[redacted]';

export function createRedactor(secrets: string | undefined | readonly (string | undefined)[]): Redact {
  const list = (Array.isArray(secrets) ? secrets : [secrets]).filter((s): s is string => typeof s === 'string' && s.length > 0);
  // Longest first, so a secret that contains another is blanked whole.
  list.sort((a, b) => b.length - a.length);
  return (text, maxChars) => {
    let out = text;
    for (const secret of list) out = out.split(secret).join(REDACTED);
    if (maxChars === undefined || out.length <= maxChars) return out;
    return `${blankSecretPrefixAtEnd(out.slice(0, maxChars), list)}…`;
  };
}

function blankSecretPrefixAtEnd(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length >= MIN_PREFIX_CHARS; length--) {
      if (text.endsWith(secret.slice(0, length))) return text.slice(0, text.length - length) + REDACTED;
    }
  }
  return text;
}

/** A URL fit for messages and logs: no user, password, query or fragment. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
