import pino from 'pino';

/** Structured logging. Secrets (passwords, tokens, Authorization headers) are redacted everywhere. */
export type Logger = pino.Logger;

export const REDACT_PATHS = [
  'password',
  'token',
  '*.password',
  '*.token',
  '*.*.password',
  '*.*.token',
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
];

export function createLogger(name: string, level = process.env.STANDER_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

/** A logger that drops everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
