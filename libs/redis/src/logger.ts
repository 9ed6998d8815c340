/**
 * The slice of a pino logger the libs use for problems at their boundaries (a malformed
 * message from Redis, a failed resubscribe). pino's `logger.warn(obj, msg)` fits as is;
 * libs never print on their own (no console in src).
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

/** The default: drop everything (the embedding app passes its pino logger). */
export const silentLogger: Logger = Object.freeze({ debug: noop, warn: noop, error: noop });
