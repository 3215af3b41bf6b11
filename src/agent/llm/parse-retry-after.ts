/**
 * Reads the delay a server asks for before a retry, in milliseconds. OpenAI sends
 * `retry-after-ms` (more precise, preferred) and the standard `Retry-After`, which is either
 * a number of seconds or an HTTP date. Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null) {
    const value = Number(milliseconds.trim());
    if (milliseconds.trim() !== '' && Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
  // Only an HTTP date (it names a weekday and month); Date.parse alone also accepts "-3".
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  // A date in the past means "now".
  return Math.max(0, date - now);
}
