import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear: secrets never reach a log line. */
const redactPaths = ['apiKey', '*.apiKey', '*.*.apiKey', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization'];

/** Structured JSON logs on stderr, so stdout stays the answer. */
export function createLogger(level: string = 'warn'): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { name: 'agentbox' } }, pino.destination({ fd: 2, sync: true }));
}
