import { createHash, randomBytes } from 'node:crypto';
import { loadScripts, type RedisClient, type RedisKeys, type ScriptRunner } from '@defi-realtime/redis';
import type { Logger } from '@defi-realtime/runtime';
import type { QueryApiMetrics } from '../metrics';
import type { CacheLookup, CachedAnswer, PeekedAnswer, ResponseCache } from './response-cache';
import { ALL_TAGS } from './response-cache';

export interface RedisCacheOptions {
  keys: RedisKeys;
  /** How long an entry may be served. */
  ttlMs: number;
  logger: Logger;
  metrics: QueryApiMetrics;
  /**
   * A lookup slower than this is abandoned and the request served uncached: a stuck
   * Redis must not stall every request.
   * @default 250
   */
  lookupTimeoutMs?: number;
  /**
   * TTL of the versions hash, renewed by every invalidation. When it lapses the next
   * lookup creates it with a new epoch, which only turns old entries into misses.
   * @default 86_400_000 (a day)
   */
  versionsTtlMs?: number;
}

/** Pending invalidations beyond this collapse into `*` (everything), which is always correct. */
const MAX_PENDING_TAGS = 1_000;

/**
 * The response cache in Redis, shared by every query-api process. A hit is one round trip
 * (the `cacheLookup` script checks the entry's versions against the current ones);
 * invalidation is one MULTI of HINCRBYs, run by every process that hears a change
 * (repeats only bump the versions further). While Redis fails, requests are served
 * uncached; invalidations that could not be applied are applied before the next hit.
 */
export class RedisResponseCache implements ResponseCache {
  readonly #redis: RedisClient;
  readonly #run: ScriptRunner;
  readonly #keys: RedisKeys;
  readonly #ttlMs: number;
  readonly #lookupTimeoutMs: number;
  readonly #versionsTtlMs: number;
  readonly #logger: Logger;
  readonly #metrics: QueryApiMetrics;
  readonly #epochPrefix = randomBytes(6).toString('base64url');
  #epochCounter = 0;
  #pending = new Set<string>();
  #flushing: Promise<boolean> | undefined;
  #degraded = false;

  constructor(redis: RedisClient, options: RedisCacheOptions) {
    if (!(Number.isInteger(options.ttlMs) && options.ttlMs > 0))
      throw new TypeError(`Invalid ttlMs ${String(options.ttlMs)}: expected a whole number of ms > 0`);
    this.#redis = redis;
    this.#run = loadScripts(redis);
    this.#keys = options.keys;
    this.#ttlMs = options.ttlMs;
    this.#lookupTimeoutMs = options.lookupTimeoutMs ?? 250;
    this.#versionsTtlMs = options.versionsTtlMs ?? 86_400_000;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
  }

  async peek(key: string): Promise<PeekedAnswer | null> {
    if (this.#redis.status !== 'ready' || this.#pending.size > 0) return null;
    try {
      const reply = (await withTimeout(
        this.#run('cachePeek', [this.#keys.cacheVersions(), this.#entryKey(key)], []),
        this.#lookupTimeoutMs,
      )) as [number, string?, string?, string?, string?];
      if (reply[0] !== 1) return null;
      return {
        etag: reply[1] as string,
        contentType: reply[2] as string,
        body: reply[3] as string,
        tags: (reply[4] ?? '').split('\n'),
      };
    } catch {
      // The full path (lookup) reports the failure and decides to bypass.
      return null;
    }
  }

  async lookup(key: string, tags: readonly string[]): Promise<CacheLookup> {
    // Not connected: answer at once instead of queueing behind a reconnect.
    if (this.#redis.status !== 'ready')
      return this.#failed('lookup', new Error(`redis connection ${this.#redis.status}`));
    if (this.#pending.size > 0 && !(await this.#flushPending())) return { status: 'bypass' };
    try {
      const reply = (await withTimeout(
        this.#run(
          'cacheLookup',
          [this.#keys.cacheVersions(), this.#entryKey(key)],
          [this.#newEpoch(), this.#versionsTtlMs, ...tags.map(versionField)],
        ),
        this.#lookupTimeoutMs,
      )) as [number, string, string?, string?];
      this.#recovered();
      if (reply[0] === 1)
        return { status: 'hit', answer: { etag: reply[1], contentType: reply[2] as string, body: reply[3] as string } };
      return { status: 'miss', versions: reply[1] };
    } catch (err) {
      return this.#failed('lookup', err);
    }
  }

  async store(key: string, tags: readonly string[], versions: string, answer: CachedAnswer): Promise<void> {
    // An invalidation not yet applied could make this entry look current: do not store.
    if (this.#pending.size > 0 || this.#redis.status !== 'ready') return;
    const entry = this.#entryKey(key);
    try {
      await this.#redis
        .multi()
        // g: the tags, in lookup's order, so cachePeek can check the entry by key alone.
        .hset(entry, { v: versions, e: answer.etag, t: answer.contentType, b: answer.body, g: tags.join('\n') })
        .pexpire(entry, this.#ttlMs)
        .exec();
    } catch (err) {
      this.#failed('store', err);
    }
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    if (await this.#bump(tags)) return;
    for (const tag of tags) this.#pending.add(tag);
    if (this.#pending.size > MAX_PENDING_TAGS) this.#pending = new Set([ALL_TAGS]);
  }

  /** Apply invalidations that failed earlier, once at a time; true when none are left. */
  #flushPending(): Promise<boolean> {
    this.#flushing ??= (async () => {
      const tags = [...this.#pending];
      const ok = await this.#bump(tags);
      if (ok) for (const tag of tags) this.#pending.delete(tag);
      this.#flushing = undefined;
      return ok && this.#pending.size === 0;
    })();
    return this.#flushing;
  }

  async #bump(tags: readonly string[]): Promise<boolean> {
    if (this.#redis.status !== 'ready') {
      this.#failed('invalidate', new Error(`redis connection ${this.#redis.status}`));
      return false;
    }
    const versions = this.#keys.cacheVersions();
    try {
      const multi = this.#redis.multi().hsetnx(versions, 'epoch', this.#newEpoch());
      for (const tag of tags) multi.hincrby(versions, versionField(tag), 1);
      const results = await multi.pexpire(versions, this.#versionsTtlMs).exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      this.#recovered();
      return true;
    } catch (err) {
      this.#failed('invalidate', err);
      return false;
    }
  }

  #entryKey(key: string): string {
    return this.#keys.cacheEntry(createHash('sha256').update(key).digest('base64url'));
  }

  /** Unique per call, so a versions hash that lapsed is never recreated with an old epoch. */
  #newEpoch(): string {
    return `${this.#epochPrefix}.${++this.#epochCounter}`;
  }

  #failed(operation: 'lookup' | 'store' | 'invalidate', err: unknown): { status: 'bypass' } {
    this.#metrics.cacheErrors.inc({ operation });
    // Once per outage: during one, every request would log it.
    if (!this.#degraded) this.#logger.warn({ err, operation }, 'response cache unavailable: serving uncached answers');
    this.#degraded = true;
    return { status: 'bypass' };
  }

  #recovered(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#logger.info('response cache available again');
  }
}

/** Tag fields are prefixed so no tag can collide with the `epoch` field. */
function versionField(tag: string): string {
  return `t:${tag}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
