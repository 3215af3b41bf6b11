/**
 * Returns a function that blanks every occurrence of `secret` in a text. Error messages
 * quote server responses, and some servers echo the API key they rejected.
 */
export function createRedactor(secret: string | undefined): (text: string) => string {
  if (!secret) return (text) => text;
  return (text) => text.split(secret).join('[redacted]');
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
