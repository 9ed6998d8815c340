import pg from 'pg';
import type { Logger, NotificationHandler, Unlisten } from './database';
import { DatabaseError, toDatabaseError } from './errors';
import { assertChannelName, quoteIdent } from './names';
import { createSerialQueue, HandlerRegistry } from './notifications';

const RECONNECT_BASE_MS = 100;
const RECONNECT_CAP_MS = 5_000;

/**
 * LISTEN on a dedicated connection: a pooled one would be handed to other queries and
 * released, silently dropping the subscription. When the connection is lost it reconnects
 * with capped full-jitter backoff and LISTENs again to every channel that has handlers.
 */
export class PgListener {
  readonly #handlers: HandlerRegistry;
  readonly #serial = createSerialQueue();
  #client: pg.Client | undefined;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #attempt = 0;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger: Logger,
  ) {
    this.#handlers = new HandlerRegistry(logger);
  }

  async listen(channel: string, handler: NotificationHandler): Promise<Unlisten> {
    assertChannelName(channel);
    return this.#serial(async () => {
      if (this.#closed) throw new DatabaseError('listen', 'listen failed: the database is closed');
      if (!this.#handlers.add(channel, handler)) return this.#unlistenOnce(channel, handler);
      try {
        // A fresh connection LISTENs to every registered channel, this one included.
        if (this.#client) await this.#client.query(`LISTEN ${quoteIdent(channel)}`);
        else await this.#connect();
      } catch (err) {
        this.#handlers.remove(channel, handler);
        throw toDatabaseError('listen', err);
      }
      return this.#unlistenOnce(channel, handler);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#serial(async () => {
      const client = this.#client;
      this.#client = undefined;
      this.#handlers.clear();
      await client?.end().catch((err: unknown) => this.logger.warn({ err }, 'closing the LISTEN connection failed'));
    });
  }

  #unlistenOnce(channel: string, handler: NotificationHandler): Unlisten {
    let done = false;
    return () => {
      if (done) return Promise.resolve();
      done = true;
      return this.#serial(async () => {
        if (!this.#handlers.remove(channel, handler) || !this.#client) return;
        try {
          await this.#client.query(`UNLISTEN ${quoteIdent(channel)}`);
        } catch (err) {
          // The handler is gone already, so nothing reaches it; a broken connection is
          // replaced by one that does not LISTEN to this channel.
          this.logger.warn({ err, channel }, 'UNLISTEN failed');
        }
      });
    };
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('error', (err) => this.logger.warn({ err }, 'PostgreSQL LISTEN connection error'));
    client.on('notification', (msg) => this.#handlers.dispatch(msg.channel, msg.payload ?? ''));
    client.on('end', () => this.#onEnd(client));
    try {
      await client.connect();
      for (const channel of this.#handlers.channels()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.#client = client;
  }

  #onEnd(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed || this.#handlers.size === 0) return;
    this.logger.warn({ channels: this.#handlers.channels() }, 'PostgreSQL LISTEN connection lost; reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delay = Math.random() * Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => {
      void this.#serial(async () => {
        if (this.#closed || this.#client || this.#handlers.size === 0) return;
        try {
          await this.#connect();
          this.#attempt = 0;
          this.logger.info({ channels: this.#handlers.channels() }, 'PostgreSQL LISTEN connection restored');
        } catch (err) {
          this.logger.warn({ err, attempt: this.#attempt }, 'PostgreSQL LISTEN reconnect failed');
          this.#scheduleReconnect();
        }
      });
    }, delay);
  }
}
