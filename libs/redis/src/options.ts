import type { ConnectionOptions } from 'node:tls';
import type { Logger } from './logger';

/**
 * How `createRedis` connects. Everything about *where* (hosts, TLS, credentials, db,
 * cluster or sentinel) comes from the URL; these are the knobs around it.
 *
 * There is deliberately no `keyPrefix`: every key and channel name is built by
 * `createKeys(prefix)`, so scripts (whose KEYS ioredis would not prefix consistently)
 * and pub/sub channels (which ioredis never prefixes) agree with plain commands.
 */
export interface RedisOptions {
  /**
   * Give up one connection attempt after this long. Short, so a dead host is noticed and
   * retried instead of blocking start-up for the OS TCP timeout.
   * @default 5_000
   */
  connectTimeout?: number;
  /**
   * How many reconnects a pending command survives before it rejects. Small, so callers
   * (a publish on the hot path) fail within seconds instead of queueing without bound
   * while Redis is down. `null` waits forever.
   * @default 3
   */
  maxRetriesPerRequest?: number | null;
  /**
   * Reject a command that got no reply within this many ms. Off by default because a
   * slow reply is better than a spurious failure; set it where a stuck Redis must not
   * stall the caller.
   * @default undefined (no timeout)
   */
  commandTimeout?: number;
  /**
   * Do not connect until `connect()` or the first command. Useful when the owner wants
   * to connect explicitly in its `start()`.
   * @default false
   */
  lazyConnect?: boolean;
  /**
   * Keep commands issued while disconnected and send them after reconnecting (bounded
   * by `maxRetriesPerRequest`). Off makes every command fail at once while disconnected.
   * @default true
   */
  enableOfflineQueue?: boolean;
  /**
   * Reconnect after a lost or failed connection. Off for one-shot probes (readiness
   * checks, `requireRedis`) that must fail at once instead of retrying in the background.
   * @default true
   */
  reconnect?: boolean;
  /**
   * Cap of the reconnect delay. Reconnects use capped full-jitter backoff (random delay
   * between 50 ms and min(cap, 100 ms * 2^attempt)) so a fleet does not reconnect in step.
   * @default 2_000
   */
  maxReconnectDelayMs?: number;
  /**
   * Send the commands issued in one event-loop tick as one write (ioredis
   * enableAutoPipelining). A gateway taking hundreds of handshakes per second issues
   * several commands for each; one write per command cost more CPU than Redis itself.
   * @default true
   */
  autoPipelining?: boolean;
  /**
   * Name shown by `CLIENT LIST`, so an operator can tell our connections apart.
   * @default undefined (unnamed)
   */
  connectionName?: string;
  /**
   * Extra TLS options (CA, client certificate) for `rediss://` URLs. Ignored without TLS.
   * @default {} (system CAs)
   */
  tls?: ConnectionOptions;
  /**
   * Password of the sentinels themselves (the URL's credentials are the master's).
   * @default undefined (sentinels without auth)
   */
  sentinelPassword?: string;
  /**
   * Where connection errors go: a warning when the connection is lost, debug while the
   * reconnects keep failing. Never stderr: ioredis prints every error of a client that
   * has no listener.
   * @default silent (the callers' commands still reject)
   */
  logger?: Logger;
}

type Defaulted =
  | 'connectTimeout'
  | 'maxRetriesPerRequest'
  | 'lazyConnect'
  | 'enableOfflineQueue'
  | 'autoPipelining'
  | 'reconnect'
  | 'maxReconnectDelayMs';

/** RedisOptions after defaults were applied. */
export type ResolvedRedisOptions = Required<Pick<RedisOptions, Defaulted>> & Omit<RedisOptions, Defaulted>;

/** The defaults of `RedisOptions`, in one place. */
export const REDIS_DEFAULTS: Readonly<Required<Pick<RedisOptions, Defaulted>>> = Object.freeze({
  connectTimeout: 5_000,
  maxRetriesPerRequest: 3,
  lazyConnect: false,
  enableOfflineQueue: true,
  autoPipelining: true,
  reconnect: true,
  maxReconnectDelayMs: 2_000,
});

/** Capped full-jitter backoff: ioredis calls it with the attempt number (from 1). */
export function reconnectDelay(attempt: number, capMs: number): number {
  const ceiling = Math.min(capMs, 100 * 2 ** Math.min(attempt, 16));
  return Math.max(50, Math.floor(Math.random() * ceiling));
}
