import { createBlockingConnection, isCluster, type RedisClient } from '@defi-realtime/redis';
import type { Redis } from 'ioredis';

const UNBLOCK_ATTEMPTS = 5;
const UNBLOCK_RETRY_MS = 20;

interface Connection {
  redis: RedisClient;
  /** CLIENT ID of the connection (single node only), so a blocked read can be unblocked; reset on reconnect. */
  id?: number;
}

/**
 * Connections for blocking reads. A blocked XREADGROUP holds its connection until data
 * comes or the time is up, so it must never run on the connection that carries everything
 * else (adds, acks, the engine's publishes). Each concurrent blocking read takes a
 * connection of its own from this pool (several consumers in one process must not wait
 * behind each other), and gives it back after.
 */
export class BlockingConnections {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private closed = false;

  constructor(private readonly client: RedisClient) {}

  /**
   * Run one blocking command on a connection of its own. When `signal` aborts, the
   * command is ended as if its time were up (CLIENT UNBLOCK; on a cluster it runs on).
   */
  async run(args: Array<string | number>, signal: AbortSignal | undefined): Promise<unknown> {
    const connection = this.acquire();
    try {
      if (connection.id === undefined && !isCluster(connection.redis)) {
        connection.id = Number(await connection.redis.client('ID'));
      }
      if (signal?.aborted) return null;
      const running = { done: false };
      const unblock = () => void this.unblock(connection, running);
      signal?.addEventListener('abort', unblock, { once: true });
      try {
        return await connection.redis.call(String(args[0]), ...args.slice(1));
      } finally {
        running.done = true;
        signal?.removeEventListener('abort', unblock);
      }
    } finally {
      this.release(connection);
    }
  }

  /** Drop every connection; a read blocked on one rejects ("Connection is closed"). */
  close(): void {
    this.closed = true;
    for (const connection of this.all) connection.redis.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }

  private acquire(): Connection {
    const reused = this.idle.pop();
    if (reused) return reused;
    // Its connection errors are logged where the queue's client logs them.
    const connection: Connection = { redis: createBlockingConnection(this.client) };
    // A new connection after a reconnect has a new CLIENT ID.
    connection.redis.on('close', () => (connection.id = undefined));
    this.all.add(connection);
    return connection;
  }

  private release(connection: Connection): void {
    if (this.closed || !this.all.has(connection)) return;
    this.idle.push(connection);
  }

  private async unblock(connection: Connection, running: { done: boolean }): Promise<void> {
    const { id } = connection;
    if (id === undefined || isCluster(this.client)) return;
    const client = this.client as Redis;
    // The abort can overtake the command on its way to Redis (UNBLOCK answers 0 then):
    // try again briefly while the command has not returned.
    for (let attempt = 0; attempt < UNBLOCK_ATTEMPTS && !running.done; attempt++) {
      // TIMEOUT (the default mode): the read answers as if its time were up, delivering nothing.
      const unblocked = await client.client('UNBLOCK', id).catch(() => 0);
      if (unblocked === 1) return;
      await new Promise((resolve) => setTimeout(resolve, UNBLOCK_RETRY_MS));
    }
  }
}
