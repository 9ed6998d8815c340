import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions as IORedisOptions } from 'ioredis';
import { connectionLogger, logConnectionErrors } from './connection-errors';
import { REDIS_DEFAULTS, reconnectDelay, type RedisOptions, type ResolvedRedisOptions } from './options';
import { parseRedisUrl, type RedisTarget } from './url';

/** A connection from `createRedis`: a single node (standalone, sentinel) or a cluster. */
export type RedisClient = Redis | Cluster;

/**
 * One ioredis client from one URL: `redis://`, `rediss://`, `redis+cluster://`,
 * `redis+sentinel://` (see `ACCEPTED_URL_FORMS`). Throws a TypeError for a malformed URL
 * or invalid option before any connection is attempted. Connection errors go to
 * `options.logger` (see logConnectionErrors), never to stderr.
 */
export function createRedis(url: string, options: RedisOptions = {}): RedisClient {
  return createRedisWith(url, options, {});
}

/**
 * createRedis plus raw ioredis options for a single node (not exported from the package:
 * for probes in this lib that need knobs the public options deliberately hide).
 */
export function createRedisWith(url: string, options: RedisOptions, raw: Partial<IORedisOptions>): RedisClient {
  const target = parseRedisUrl(url);
  // Explicit `undefined` means "default", as if the field were absent.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved: Resolved = { ...REDIS_DEFAULTS, ...given };
  validate(resolved);
  const client = target.mode === 'cluster' ? createCluster(target, resolved, raw) : createSingle(target, resolved, raw);
  return logConnectionErrors(client, resolved.logger);
}

export interface SubscriberConnectionOptions {
  /**
   * Sharded pub/sub (SSUBSCRIBE). On a cluster this makes ioredis keep one subscriber per
   * shard, which sharded channels require.
   * @default false
   */
  sharded?: boolean;
}

/**
 * A second connection like `client`, for pub/sub: a connection in subscriber mode can run
 * no other command, so subscribing always needs its own. On a single node, ioredis' own
 * resubscribe is switched off because `RedisSubscriber` resubscribes (and knows when).
 * Its connection errors go where `client`'s go.
 */
export function createSubscriberConnection(
  client: RedisClient,
  options: SubscriberConnectionOptions = {},
): RedisClient {
  if (isCluster(client)) {
    // Subscriber connections send (s)subscribe commands only: nothing to pipeline.
    const duplicate = client.duplicate([], {
      shardedSubscribers: options.sharded === true,
      enableAutoPipelining: false,
    });
    return logConnectionErrors(duplicate, connectionLogger(client));
  }
  const name = client.options.connectionName;
  const duplicate = client.duplicate({
    autoResubscribe: false,
    enableAutoPipelining: false,
    ...(name !== undefined ? { connectionName: `${name}:sub` } : {}),
  });
  return logConnectionErrors(duplicate, connectionLogger(client));
}

/**
 * A second connection like `client`, for blocking commands (XREADGROUP BLOCK, BLPOP): one
 * holds its connection until data comes, so it must never run on the one that carries
 * everything else. Its connection errors go where `client`'s go.
 */
export function createBlockingConnection(client: RedisClient): RedisClient {
  // One command at a time on these: nothing to pipeline.
  if (isCluster(client))
    return logConnectionErrors(client.duplicate([], { enableAutoPipelining: false }), connectionLogger(client));
  const name = client.options.connectionName;
  const duplicate = client.duplicate({
    enableAutoPipelining: false,
    ...(name !== undefined ? { connectionName: `${name}:block` } : {}),
  });
  return logConnectionErrors(duplicate, connectionLogger(client));
}

/** True for an ioredis Cluster client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

function createSingle(
  target: Exclude<RedisTarget, { mode: 'cluster' }>,
  options: Resolved,
  raw: Partial<IORedisOptions>,
): Redis {
  const common: IORedisOptions = {
    ...connectionOptions(target, options),
    ...raw,
    db: target.db,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    enableOfflineQueue: options.enableOfflineQueue,
    enableAutoPipelining: options.autoPipelining,
    lazyConnect: options.lazyConnect,
    retryStrategy: retry(options),
  };
  if (target.mode === 'standalone') {
    return new Redis({ ...common, host: target.host, port: target.port });
  }
  return new Redis({
    ...common,
    sentinels: target.sentinels,
    name: target.masterName,
    sentinelPassword: options.sentinelPassword,
    enableTLSForSentinelMode: target.tls,
    ...(target.tls ? { sentinelTLS: options.tls ?? {} } : {}),
    sentinelRetryStrategy: retry(options),
  });
}

function createCluster(
  target: Extract<RedisTarget, { mode: 'cluster' }>,
  options: Resolved,
  raw: Partial<IORedisOptions>,
): Cluster {
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...connectionOptions(target, options), ...raw, maxRetriesPerRequest: options.maxRetriesPerRequest },
    enableOfflineQueue: options.enableOfflineQueue,
    enableAutoPipelining: options.autoPipelining,
    lazyConnect: options.lazyConnect,
    clusterRetryStrategy: retry(options),
  };
  return new Cluster(target.nodes, clusterOptions);
}

type Resolved = ResolvedRedisOptions;

// ioredis stops reconnecting when the strategy returns null.
function retry(options: Resolved): (attempt: number) => number | null {
  return (attempt) => (options.reconnect ? reconnectDelay(attempt, options.maxReconnectDelayMs) : null);
}

function connectionOptions(target: RedisTarget, options: Resolved): IORedisOptions {
  return {
    username: target.username,
    password: target.password,
    connectTimeout: options.connectTimeout,
    commandTimeout: options.commandTimeout,
    connectionName: options.connectionName,
    ...(target.tls ? { tls: options.tls ?? {} } : {}),
  };
}

function validate(options: Resolved): void {
  positive('connectTimeout', options.connectTimeout);
  positive('maxReconnectDelayMs', options.maxReconnectDelayMs);
  if (options.commandTimeout !== undefined) positive('commandTimeout', options.commandTimeout);
  const retries = options.maxRetriesPerRequest;
  if (retries !== null && !(Number.isInteger(retries) && retries >= 0)) {
    throw new TypeError(`RedisOptions.maxRetriesPerRequest must be null or an integer >= 0, got ${String(retries)}`);
  }
}

function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`RedisOptions.${name} must be a positive number of ms, got ${String(value)}`);
  }
}

/**
 * Close a connection whatever its state: QUIT when connected (pending replies arrive
 * first), otherwise just stop it. Never rejects.
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
