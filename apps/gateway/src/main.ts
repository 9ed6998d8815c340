import cluster from 'node:cluster';
import { ConfigError, createLogger, runMain } from '@defi-realtime/runtime';
import { loadConfig } from './config';
import { runPrimary, workerCount } from './server/workers';
import { start } from './start';

function main(): void {
  if (cluster.isPrimary) {
    let workers = 1;
    try {
      const config = loadConfig();
      workers = workerCount(config);
      if (workers > 1) return runPrimary(workers, createLogger('gateway', config.LOG_LEVEL));
    } catch (err) {
      if (!(err instanceof ConfigError) && !(err instanceof TypeError)) throw err;
      if (err instanceof TypeError) {
        process.stderr.write(`Invalid configuration for gateway:\n  GATEWAY_WORKERS: ${err.message}\n`);
        process.exit(2);
      }
      // A ConfigError is reported by runMain below, the same way every app reports it.
    }
  }
  runMain('gateway', () => loadConfig(), start);
}

main();
