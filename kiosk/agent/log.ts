import pino from 'pino';

export type Logger = pino.Logger;

/** The agent's structured logger; device tokens and auth headers never reach the log. */
export function createLogger(opts: { level?: string; screenId?: string } = {}): Logger {
  return pino({
    name: 'kiosk-agent',
    level: opts.level ?? process.env.STANDER_LOG_LEVEL ?? 'info',
    base: opts.screenId ? { screenId: opts.screenId } : {},
    redact: {
      paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.*'],
      censor: '[redacted]',
    },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
