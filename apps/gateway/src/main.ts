import cluster from 'node:cluster';
import { ConfigError, createLogger, runMain } from '@defi-realtime/runtime';
import { loadConfig } from './config';
import { runPrimary, workerCount } from './server/workers';
import { start } from './start';

function main(): void {
  if (cluster.isPrimary) {
    try {
      const config = loadConfig();
      const workers = workerCount(config);
      if (workers > 1) return runPrimary(workers, createLogger('gateway', config.LOG_LEVEL));
    } catch (err) {
      // A ConfigError is reported by runMain below (exit code 2), the same way every app reports it.
      if (!(err instanceof ConfigError)) throw err;
    }
  }
  runMain('gateway', () => loadConfig(), start);
}

main();
