import { Cluster } from 'ioredis';
import type { RedisClient } from './client';
import { silentLogger, type Logger } from './logger';

const watched = new WeakMap<RedisClient, Logger>();

/**
 * Send a client's connection errors to `logger`. Without an 'error' listener ioredis prints
 * `[ioredis] Unhandled error event` with a stack to stderr for every failed reconnect
 * attempt. The first error after the connection was ready is a warning (Redis went away);
 * the repeats while it keeps failing the same way are debug, so an outage is one line.
 * Commands issued meanwhile still reject on their own.
 */
export function logConnectionErrors<C extends RedisClient>(client: C, logger: Logger = silentLogger): C {
  if (watched.has(client)) return client;
  watched.set(client, logger);
  const connection = connectionName(client);
  let reported = false;
  client.on('error', (error: unknown) => {
    if (reported) {
      logger.debug({ err: error, connection }, 'Redis connection error (again)');
      return;
    }
    reported = true;
    logger.warn({ err: error, connection }, 'Redis connection error: reconnecting');
  });
  client.on('ready', () => (reported = false));
  return client;
}

/** True when `client` already has the logging listener of `logConnectionErrors`. */
export function logsConnectionErrors(client: RedisClient): boolean {
  return watched.has(client);
}

/** The logger a connection duplicated from `client` should use. */
export function connectionLogger(client: RedisClient): Logger {
  return watched.get(client) ?? silentLogger;
}

function connectionName(client: RedisClient): string | undefined {
  return client instanceof Cluster ? client.options.redisOptions?.connectionName : client.options.connectionName;
}
