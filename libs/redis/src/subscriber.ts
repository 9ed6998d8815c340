import type { RedisClient } from './client';
import { closeRedis, isCluster } from './client';
import { logConnectionErrors } from './connection-errors';
import { silentLogger, type Logger } from './logger';

/** Receives one pub/sub message. Thrown errors are logged and never reach other listeners. */
export type MessageListener = (message: string, channel: string) => void;

export interface RedisSubscriberOptions {
  /**
   * Sharded pub/sub (SSUBSCRIBE, messages sent by SPUBLISH). Required on Redis Cluster,
   * where classic PUBLISH is broadcast to every node; works on a standalone Redis 7 too.
   * @default false
   */
  sharded?: boolean;
  /** Where failed resubscribes and throwing listeners are reported. @default silent */
  logger?: Logger;
}

interface Entry {
  listeners: Set<MessageListener>;
  /** What Redis confirmed last (as far as this process knows). */
  subscribed: boolean;
  /** SUBSCRIBE/UNSUBSCRIBE for one channel run one after another, never interleaved. */
  chain: Promise<void>;
}

/**
 * Pub/sub over one dedicated connection, which it owns (`close()` quits it). Holds
 * channel -> listeners: the first listener of a channel subscribes, the last one removed
 * unsubscribes, so the node receives only what someone on it wants. After a reconnect
 * it subscribes again to every channel that still has listeners.
 */
export class RedisSubscriber {
  private readonly entries = new Map<string, Entry>();
  private readonly sharded: boolean;
  private readonly logger: Logger;
  private wasReady: boolean;
  private closed = false;

  constructor(
    private readonly connection: RedisClient,
    options: RedisSubscriberOptions = {},
  ) {
    this.sharded = options.sharded ?? false;
    this.logger = options.logger ?? silentLogger;
    this.wasReady = connection.status === 'ready';
    connection.on(this.sharded ? 'smessage' : 'message', this.onMessage);
    connection.on('ready', this.onReady);
    // A connection from createSubscriberConnection logs its errors already; others log here.
    logConnectionErrors(connection, this.logger);
  }

  /** Add a listener; resolves once Redis confirmed the subscription. */
  async subscribe(channel: string, listener: MessageListener): Promise<void> {
    if (this.closed) throw new Error('RedisSubscriber is closed');
    let entry = this.entries.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), subscribed: false, chain: Promise.resolve() };
      this.entries.set(channel, entry);
    }
    entry.listeners.add(listener);
    try {
      await this.reconcile(channel, entry);
    } catch (error) {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && !entry.subscribed && this.entries.get(channel) === entry) {
        this.entries.delete(channel);
      }
      throw new Error(`Subscribing to ${channel} failed`, { cause: error });
    }
  }

  /** Remove a listener; the last one removed unsubscribes (resolves once Redis confirmed). */
  async unsubscribe(channel: string, listener: MessageListener): Promise<void> {
    const entry = this.entries.get(channel);
    if (!entry || !entry.listeners.delete(listener)) return;
    if (entry.listeners.size === 0 && !this.closed) await this.reconcile(channel, entry);
  }

  /** Channels with at least one listener. */
  channels(): string[] {
    return [...this.entries.keys()];
  }

  /** Drop every listener and quit the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.entries.clear();
    this.connection.off(this.sharded ? 'smessage' : 'message', this.onMessage);
    this.connection.off('ready', this.onReady);
    await closeRedis(this.connection);
  }

  /** Bring Redis in line with the listeners: subscribed iff any. Queued per channel. */
  private reconcile(channel: string, entry: Entry, force = false): Promise<void> {
    const step = entry.chain.then(async () => {
      const wanted = entry.listeners.size > 0 && !this.closed;
      if (wanted && (!entry.subscribed || force)) {
        await this.command(true, channel);
        entry.subscribed = true;
      } else if (!wanted && entry.subscribed) {
        entry.subscribed = false;
        if (!this.closed) await this.command(false, channel);
      }
      if (entry.listeners.size === 0 && this.entries.get(channel) === entry) this.entries.delete(channel);
    });
    entry.chain = step.catch(() => undefined);
    return step;
  }

  private async command(subscribe: boolean, channel: string): Promise<void> {
    const c = this.connection;
    if (this.sharded) await (subscribe ? c.ssubscribe(channel) : c.sunsubscribe(channel));
    else await (subscribe ? c.subscribe(channel) : c.unsubscribe(channel));
  }

  private readonly onMessage = (channel: string, message: string): void => {
    const entry = this.entries.get(channel);
    if (!entry) return; // arrived after the last unsubscribe
    for (const listener of entry.listeners) {
      try {
        listener(message, channel);
      } catch (error) {
        this.logger.error({ err: error, channel }, 'pub/sub listener threw');
      }
    }
  };

  // A single-node connection comes back with no subscriptions (ioredis' own resubscribe
  // is off, see createSubscriberConnection). ioredis Cluster resubscribes by itself.
  private readonly onReady = (): void => {
    if (!this.wasReady || isCluster(this.connection)) {
      this.wasReady = true;
      return;
    }
    for (const [channel, entry] of this.entries) {
      this.reconcile(channel, entry, true).catch((error: unknown) => {
        this.logger.error({ err: error, channel }, 'resubscribe after reconnect failed');
      });
    }
  };
}
