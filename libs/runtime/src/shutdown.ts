import type { Logger } from './logger';

/**
 * Run `stop` once on SIGINT/SIGTERM, then exit. A second signal, or a stop that takes
 * longer than `timeoutMs`, exits at once so a stuck dependency never hangs a deploy.
 */
export function onShutdown(stop: (signal: string) => Promise<void>, logger: Logger, timeoutMs = 30_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out: exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
