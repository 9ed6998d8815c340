import pino from 'pino';

export type Logger = pino.Logger;

/** A pino JSON logger named after the app; one event per line, ids as fields. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { app: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
