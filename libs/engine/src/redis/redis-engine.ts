import type { Position } from '@defi-realtime/protocol';
import {
  closeRedis,
  createKeys,
  createRedis,
  createSubscriberConnection,
  isCluster,
  loadScripts,
  RedisSubscriber,
  silentLogger,
  type Logger,
  type RedisClient,
  type RedisKeys,
  type RedisOptions,
} from '@defi-realtime/redis';
import type {
  ChannelEvent,
  Engine,
  EngineOptions,
  EventHandler,
  HistoryQuery,
  HistoryResult,
  NodeDownHandler,
} from '../engine';
import { notifyNodeDown } from '../handlers';
import { newEpoch } from '../ids';
import { assertRunning, type EngineStatus } from '../lifecycle';
import { positiveInteger, resolveEngineOptions, type ResolvedEngineOptions } from '../options';
import { recoveryResult, resolveQuery } from '../recovery';
import { ChannelFeed, emptyFeedStats, type FeedStats } from './channel-feed';
import type { RedisContext } from './context';
import { parseHistoryReply, parsePublishReply } from './history-reply';
import { RedisLiveness } from './liveness';
import { addMember, forgetNode, reapMembers, removeMember } from './members';

export interface RedisEngineOptions extends EngineOptions {
  /** A Redis URL (any form `createRedis` accepts) or a client; a client stays the caller's (close() leaves it open). */
  redis: string | RedisClient;
  /** Prefix of every key and channel. @default 'rt' */
  prefix?: string;
  /**
   * Sharded pub/sub (SPUBLISH/SSUBSCRIBE). Required on Redis Cluster, where classic
   * PUBLISH is broadcast to every node of the cluster; works on a standalone Redis 7.
   * @default false
   */
  shardedPubSub?: boolean;
  /** Connection options when `redis` is a URL. @default {} (createRedis defaults) */
  redisOptions?: RedisOptions;
  /** Where boundary problems (malformed live messages, lost gaps, failed cleanups) go. @default silent */
  logger?: Logger;
}

export type RedisEngineStats = FeedStats;

/**
 * The engine on Redis: history in one stream per channel, live fan-out by (sharded)
 * pub/sub from the same Lua script, state, counters, node-owned members and liveness.
 * Key layout and scripts: libs/redis; semantics: docs/engine.md.
 */
export class RedisEngine implements Engine {
  readonly nodeId: string;
  /** What the live path dropped or repaired since start. */
  readonly stats: RedisEngineStats = emptyFeedStats();
  private readonly options: ResolvedEngineOptions;
  private readonly keys: RedisKeys;
  private readonly sharded: boolean;
  private readonly logger: Logger;
  private readonly client: RedisClient;
  private readonly ownsClient: boolean;
  private readonly feeds = new Map<string, ChannelFeed>();
  private readonly nodeDownHandlers: NodeDownHandler[] = [];
  private status: EngineStatus = 'idle';
  private starting: Promise<void> | undefined;
  private ctx: RedisContext | undefined;
  private subscriber: RedisSubscriber | undefined;
  private liveness: RedisLiveness | undefined;

  constructor(options: RedisEngineOptions) {
    this.options = resolveEngineOptions(options);
    this.nodeId = this.options.nodeId;
    this.keys = createKeys(options.prefix ?? 'rt');
    this.sharded = options.shardedPubSub ?? false;
    this.logger = options.logger ?? silentLogger;
    this.ownsClient = typeof options.redis === 'string';
    this.client =
      typeof options.redis === 'string'
        ? createRedis(options.redis, {
            connectionName: `defi-realtime:${this.nodeId}`,
            logger: this.logger,
            ...options.redisOptions,
            lazyConnect: true, // connect in start(), not in the constructor
          })
        : options.redis;
  }

  start(): Promise<void> {
    this.starting ??= this.connect().catch(async (error: unknown) => {
      await this.liveness?.stop();
      await this.subscriber?.close();
      this.subscriber = undefined;
      this.liveness = undefined;
      this.status = 'idle';
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async close(): Promise<void> {
    if (this.status === 'starting') await this.starting?.catch(() => undefined);
    if (this.status === 'closed' || this.status === 'closing') return;
    const wasRunning = this.status === 'running';
    this.status = 'closing';
    await this.liveness?.stop();
    await this.subscriber?.close();
    this.feeds.clear();
    if (wasRunning && this.ctx) {
      try {
        await reapMembers(this.ctx, this.nodeId);
        await forgetNode(this.ctx, this.nodeId);
      } catch (error) {
        this.logger.error(
          { err: error, nodeId: this.nodeId },
          "close: could not remove this node's members; a peer will once this node times out",
        );
      }
    }
    if (this.ownsClient) await closeRedis(this.client);
    this.status = 'closed';
  }

  /**
   * Test hook: stop as if the process died (connections dropped, nothing cleaned up).
   * @internal
   */
  async simulateCrash(): Promise<void> {
    this.status = 'crashed';
    await this.liveness?.stop();
    await this.subscriber?.close();
    this.feeds.clear();
    if (this.ownsClient && this.client.status !== 'end') this.client.disconnect();
  }

  async publish(channel: string, payload: string): Promise<Position> {
    const { run } = this.running('publish');
    const k = this.keys;
    const { historySize, historyTtlMs } = this.options;
    const reply = await run(
      'publishEvent',
      [k.meta(channel), k.history(channel), k.live(channel)],
      [payload, historySize, historyTtlMs, 2 * historyTtlMs, newEpoch(), this.sharded ? '1' : '0'],
    );
    return parsePublishReply(reply);
  }

  async subscribe(channel: string, handler: EventHandler): Promise<void> {
    this.running('subscribe');
    const feed = this.feeds.get(channel) ?? this.openFeed(channel);
    feed.handlers.add(handler);
    try {
      await feed.ready;
    } catch (error) {
      feed.handlers.delete(handler);
      if (feed.handlers.size === 0 && this.feeds.get(channel) === feed) this.feeds.delete(channel);
      throw error;
    }
  }

  async unsubscribe(channel: string, handler: EventHandler): Promise<void> {
    const feed = this.feeds.get(channel);
    if (!feed?.handlers.delete(handler) || feed.handlers.size > 0) return;
    this.feeds.delete(channel);
    await this.subscriber?.unsubscribe(this.keys.live(channel), feed.onMessage);
  }

  async history(channel: string, query?: HistoryQuery): Promise<HistoryResult> {
    const { run } = this.running('history');
    const { since, limit } = resolveQuery(query, this.options.historySize);
    const reply = await run(
      'readHistory',
      [this.keys.meta(channel), this.keys.history(channel)],
      [newEpoch(), 2 * this.options.historyTtlMs, since?.epoch ?? '', since?.offset ?? 0, limit],
    );
    const { top, events } = parseHistoryReply(channel, reply);
    if (!since) return { events: events.reverse(), recovered: true, position: top };
    return recoveryResult(top, since, limit, events);
  }

  async latest(channel: string): Promise<ChannelEvent | null> {
    return (await this.history(channel, { limit: 1 })).events[0] ?? null;
  }

  async setState(key: string, value: string, ttlMs: number): Promise<void> {
    positiveInteger('ttlMs', ttlMs);
    await this.running('setState').client.set(this.keys.state(key), value, 'PX', ttlMs);
  }

  async getState(key: string): Promise<string | null> {
    return this.running('getState').client.get(this.keys.state(key));
  }

  async deleteState(key: string): Promise<void> {
    await this.running('deleteState').client.del(this.keys.state(key));
  }

  async incr(key: string, windowMs: number, by = 1): Promise<number> {
    positiveInteger('windowMs', windowMs);
    if (!Number.isSafeInteger(by)) throw new TypeError(`by must be an integer, got ${String(by)}`);
    return Number(await this.running('incr').run('incrWindow', [this.keys.counter(key)], [by, windowMs]));
  }

  async addMember(setKey: string, member: string): Promise<number> {
    return addMember(this.running('addMember'), setKey, member);
  }

  async removeMember(setKey: string, member: string): Promise<number> {
    return removeMember(this.running('removeMember'), setKey, member);
  }

  async countMembers(setKey: string): Promise<number> {
    return this.running('countMembers').client.hlen(this.keys.members(setKey));
  }

  async nodes(): Promise<string[]> {
    this.running('nodes');
    return (this.liveness as RedisLiveness).alive();
  }

  onNodeDown(handler: NodeDownHandler): void {
    this.nodeDownHandlers.push(handler);
  }

  private async connect(): Promise<void> {
    this.status = 'starting';
    if (this.client.status === 'wait') await this.client.connect();
    if (isCluster(this.client) && !this.sharded) {
      this.logger.warn(
        { nodeId: this.nodeId },
        'Redis Cluster with classic pub/sub broadcasts every event to every node: set shardedPubSub',
      );
    }
    const ctx: RedisContext = {
      client: this.client,
      run: loadScripts(this.client),
      keys: this.keys,
      nodeId: this.nodeId,
      logger: this.logger,
    };
    const connection = createSubscriberConnection(this.client, { sharded: this.sharded });
    // Wrapped before connecting, so a failed start still closes it (and its errors are logged).
    this.subscriber = new RedisSubscriber(connection, { sharded: this.sharded, logger: this.logger });
    if (connection.status === 'wait') await connection.connect();
    this.liveness = new RedisLiveness(ctx, {
      heartbeatMs: this.options.heartbeatMs,
      nodeTimeoutMs: this.options.nodeTimeoutMs,
      onNodeDown: (nodeId) => this.cleanUpAfter(nodeId),
    });
    this.ctx = ctx;
    await this.liveness.start();
    this.status = 'running';
  }

  private openFeed(channel: string): ChannelFeed {
    const feed = new ChannelFeed(channel, {
      fetchSince: (since) => this.history(channel, { since }),
      logger: this.logger,
      stats: this.stats,
    });
    feed.ready = (this.subscriber as RedisSubscriber).subscribe(this.keys.live(channel), feed.onMessage);
    this.feeds.set(channel, feed);
    return feed;
  }

  /** This node won the claim on a silent node: remove its members, forget it, tell the handlers. */
  private async cleanUpAfter(nodeId: string): Promise<void> {
    const ctx = this.ctx as RedisContext;
    await reapMembers(ctx, nodeId);
    await forgetNode(ctx, nodeId);
    this.logger.warn({ nodeId, by: this.nodeId }, 'node down: members removed');
    await notifyNodeDown(this.nodeDownHandlers, nodeId, this.logger);
  }

  private running(operation: string): RedisContext {
    assertRunning('RedisEngine', this.status, operation);
    return this.ctx as RedisContext;
  }
}
