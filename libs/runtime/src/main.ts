import { ConfigError } from './env';
import { createLogger, type Logger } from './logger';
import { onShutdown } from './shutdown';

/** What every app's `start()` returns: where it listens and how to stop it. */
export interface RunningApp {
  /** Base URL it serves on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stop accepting work, finish or hand off what is in flight, release resources. */
  close(): Promise<void>;
}

/**
 * The body of each app's `main.ts`: parse the environment (a bad variable stops the
 * process with exit code 2 and a message naming it), start, stop cleanly on SIGINT/SIGTERM.
 */
export function runMain<C extends { LOG_LEVEL: string }>(
  app: string,
  loadConfig: () => C,
  start: (config: C, deps: { logger: Logger }) => Promise<RunningApp>,
): void {
  let config: C;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(app, config.LOG_LEVEL);
  start(config, { logger }).then(
    (running) => onShutdown(() => running.close(), logger),
    (err: unknown) => {
      logger.fatal({ err }, 'failed to start');
      process.exit(1);
    },
  );
}

/** The RunningApp of a started app: closing marks it not ready, then closes what it owns. */
export function runningApp(
  url: string,
  health: { setDraining(): void },
  closer: { closeAll(): Promise<void> },
): RunningApp {
  return {
    url,
    close: async () => {
      health.setDraining();
      await closer.closeAll();
    },
  };
}
