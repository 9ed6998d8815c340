import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from '@defi-realtime/runtime';
import type { GatewayConfig } from '../config';

/**
 * How many gateway processes to run: GATEWAY_WORKERS, else one per core when Redis joins
 * them into one cluster, else one (an in-memory engine cannot be shared by processes; the
 * env schema refuses GATEWAY_WORKERS > 1 without REDIS_URL).
 */
export function workerCount(config: GatewayConfig): number {
  if (config.GATEWAY_WORKERS !== undefined) return config.GATEWAY_WORKERS;
  return config.REDIS_URL ? availableParallelism() : 1;
}

/**
 * The primary of a multi-process gateway: forks the workers (they share the listening
 * port through node:cluster), replaces one that crashes, and on SIGTERM/SIGINT passes the
 * signal on and exits once every worker has drained.
 */
export function runPrimary(count: number, logger: Logger): void {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker died: starting another');
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: count }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  logger.info({ workers: count }, 'gateway primary started');
}
