import {
  closeRedis,
  createKeys,
  loadScripts,
  silentLogger,
  type Logger,
  type RedisClient,
  type RedisKeys,
  type ScriptRunner,
} from '@defi-realtime/redis';
import {
  QUEUE_DEFAULTS,
  QueueClosedError,
  checkInteger,
  checkName,
  resolveClaim,
  resolveRead,
  type AddOptions,
  type ClaimOptions,
  type GroupStart,
  type Queue,
  type QueueEntry,
  type ReadOptions,
} from '../queue';
import { BlockingConnections } from './blocking-connections';
import { claimReply, readReply } from './replies';

export interface RedisQueueOptions {
  /** The connection for every non-blocking command; blocking reads use duplicates of it. */
  redis: RedisClient;
  /**
   * Close `redis` in `close()`: true when the queue created it, false for a client that
   * stays the caller's.
   * @default false
   */
  ownsClient?: boolean;
  /**
   * Prefix of every key (`<prefix>:{stream:<name>}`).
   * @default 'rt'
   */
  prefix?: string;
  /**
   * Trim each stream to about this many entries (XADD MAXLEN ~).
   * @default 1_000_000 (QUEUE_DEFAULTS.maxLen)
   */
  maxLen?: number;
  /**
   * Where boundary problems (a group re-created after NOGROUP) are reported.
   * @default silent
   */
  logger?: Logger;
}

// One claimStale call pages through the pending list at most this many times (each page
// scans up to 10 x count entries), so a huge pending list costs bounded work per call.
const CLAIM_PAGES = 10;

/**
 * The queue on Redis Streams: XADD MAXLEN ~, XGROUP CREATE MKSTREAM, XREADGROUP (blocking
 * reads on connections of their own), XACK, XAUTOCLAIM + XPENDING in one script.
 */
export class RedisQueue implements Queue {
  private readonly redis: RedisClient;
  private readonly keys: RedisKeys;
  private readonly maxLen: number;
  private readonly logger: Logger;
  private readonly scripts: ScriptRunner;
  private readonly blocking: BlockingConnections;
  /** Where the next claimStale of a stream/group resumes its scan of the pending list. */
  private readonly claimCursors = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: RedisQueueOptions) {
    this.redis = options.redis;
    this.keys = createKeys(options.prefix ?? 'rt');
    this.maxLen = options.maxLen ?? QUEUE_DEFAULTS.maxLen;
    checkInteger('maxLen', this.maxLen, 1);
    this.logger = options.logger ?? silentLogger;
    this.scripts = loadScripts(this.redis);
    this.blocking = new BlockingConnections(this.redis);
  }

  async add(stream: string, payloads: string[], options: AddOptions = {}): Promise<string[]> {
    this.open('add');
    const maxLen = options.maxLen ?? this.maxLen;
    checkInteger('add options.maxLen', maxLen, 1);
    const key = this.keys.stream(stream);
    if (payloads.length === 0) return [];
    // MULTI: a batch lands whole and uninterrupted; issued synchronously, so adds keep call order.
    const multi = this.redis.multi();
    for (const payload of payloads) multi.xadd(key, 'MAXLEN', '~', maxLen, '*', 'p', payload);
    const results = await multi.exec();
    if (!results) throw new Error(`XADD to ${key} was aborted`);
    return results.map(([error, id]) => {
      if (error) throw error;
      return String(id);
    });
  }

  async ensureGroup(stream: string, group: string, from: GroupStart = 'start'): Promise<void> {
    this.open('ensureGroup');
    checkName('group', group);
    try {
      await this.redis.xgroup('CREATE', this.keys.stream(stream), group, from === 'end' ? '$' : '0', 'MKSTREAM');
    } catch (error) {
      if (!hasCode(error, 'BUSYGROUP')) throw error;
    }
  }

  async read(stream: string, group: string, consumer: string, options?: ReadOptions): Promise<QueueEntry[]> {
    this.open('read');
    checkName('group', group);
    checkName('consumer', consumer);
    const { count, blockMs, signal } = resolveRead(options);
    const key = this.keys.stream(stream);
    const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', count];
    if (blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', key, '>');
    const run = () =>
      blockMs > 0 ? this.blocking.run(args, signal) : this.redis.call(String(args[0]), ...args.slice(1));
    try {
      return readReply(await run());
    } catch (error) {
      // close() dropped the connection under a blocked read: answer as the memory queue does.
      if (this.closed) return [];
      if (!hasCode(error, 'NOGROUP')) throw error;
      // The stream was deleted or flushed (or the group never made): whatever the stream
      // holds now arrived since, and the group has seen none of it, so start from the start.
      this.logger.warn({ stream: key, group }, 'consumer group missing; re-created from the start of the stream');
      await this.ensureGroup(stream, group, 'start');
      return readReply(await run());
    }
  }

  async ack(stream: string, group: string, ids: string[]): Promise<number> {
    this.open('ack');
    const key = this.keys.stream(stream);
    if (ids.length === 0) return 0;
    try {
      return await this.redis.xack(key, group, ...ids);
    } catch (error) {
      if (hasCode(error, 'NOGROUP')) return 0;
      throw error;
    }
  }

  async claimStale(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<QueueEntry[]> {
    this.open('claimStale');
    checkName('consumer', consumer);
    const { minIdleMs, count } = resolveClaim(options);
    const key = this.keys.stream(stream);
    const cursorKey = `${key}\n${group}`;
    let reply: unknown;
    try {
      reply = await this.scripts(
        'claimStale',
        [key],
        [group, consumer, minIdleMs, this.claimCursors.get(cursorKey) ?? '0-0', count, CLAIM_PAGES],
      );
    } catch (error) {
      if (hasCode(error, 'NOGROUP')) return [];
      throw error;
    }
    const { cursor, entries } = claimReply(reply);
    this.claimCursors.set(cursorKey, cursor);
    return entries;
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    this.open('pendingCount');
    try {
      const summary = (await this.redis.xpending(this.keys.stream(stream), group)) as unknown[];
      return Number(summary[0] ?? 0);
    } catch (error) {
      if (hasCode(error, 'NOGROUP')) return 0;
      throw error;
    }
  }

  async length(stream: string): Promise<number> {
    this.open('length');
    return this.redis.xlen(this.keys.stream(stream));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocking.close();
    if (this.options.ownsClient) await closeRedis(this.redis);
  }

  private open(method: string): void {
    if (this.closed) throw new QueueClosedError(method);
  }
}

/** True when `error` is a Redis error reply starting with `code` (BUSYGROUP, NOGROUP, ...). */
function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && error.message.startsWith(code);
}
