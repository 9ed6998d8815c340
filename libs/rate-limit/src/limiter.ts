import type { Cluster, Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitStoreError } from './errors';

/** The answer to one consume. Times are milliseconds from now. */
export interface LimitResult {
  /** True when the points were granted. */
  allowed: boolean;
  /** Points left in the current window after this call (0 when refused). */
  remaining: number;
  /** Until the current window ends and the full budget is back. */
  resetMs: number;
  /** How long to wait before trying again: 0 when allowed. */
  retryAfterMs: number;
}

/** A budget of `points` per `durationMs` window per key. */
export interface Limiter {
  readonly points: number;
  readonly durationMs: number;
  /**
   * Take `points` (default 1) from `key`'s budget. Resolves `{allowed: false}` when the
   * budget is spent; rejects (RateLimitStoreError) only when the store failed and no
   * insurance limiter caught it.
   */
  consume(key: string, points?: number): Promise<LimitResult>;
  /** Give `key` its full budget back (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

export interface LimiterOptions {
  /** Points per window per key. */
  points: number;
  /** Window length. Whole seconds only (Redis expiries are set in seconds). */
  durationMs: number;
  /**
   * Namespace of this limiter's keys, e.g. `rt:rl:conn-ip`. Two limiters with the same
   * prefix and store share their budgets, which is how gateway nodes share one quota.
   */
  prefix: string;
  /** Keep counters in this Redis, shared by every process using it. @default undefined (in process memory) */
  redis?: Redis | Cluster;
  /**
   * When a Redis call fails (or the connection is not ready), count in this process's
   * memory instead, so an outage degrades to per-process limits (each node then allows
   * the full budget on its own) rather than admitting or refusing everyone. Off: consume
   * rejects with a RateLimitStoreError and the caller chooses. Ignored without redis, so
   * one configuration serves embedded and clustered runs.
   * @default true
   */
  insuranceLimiter?: boolean;
  /**
   * Called each time the insurance limiter answers instead of Redis (count it in a
   * metric; it can fire on every consume during an outage, so do not log each one).
   * @default undefined
   */
  onFallback?: (prefix: string) => void;
}

/**
 * A fixed-window limiter (rate-limiter-flexible): RateLimiterRedis when given a Redis
 * client, RateLimiterMemory otherwise. The window of a key starts at its first consume.
 * Invalid options throw a TypeError at once.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  validate(options);
  const { points, durationMs, prefix, redis } = options;
  const base = { points, duration: durationMs / 1000, keyPrefix: prefix };
  if (redis === undefined) return new FlexibleLimiter(new RateLimiterMemory(base), options);
  const insured = options.insuranceLimiter ?? true;
  const insurance = insured ? new ReportingMemoryLimiter(base, () => options.onFallback?.(prefix)) : undefined;
  const store = new RateLimiterRedis({
    ...base,
    storeClient: redis,
    insuranceLimiter: insurance,
    // With insurance, do not queue behind a dead connection: fall back at once. Without
    // it, the client's own offline queue and retry policy apply, as for any command.
    rejectIfRedisNotReady: insured,
  });
  return new FlexibleLimiter(store, options, insurance);
}

class FlexibleLimiter implements Limiter {
  readonly points: number;
  readonly durationMs: number;
  readonly #prefix: string;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    options: LimiterOptions,
    private readonly insurance?: RateLimiterMemory,
  ) {
    this.points = options.points;
    this.durationMs = options.durationMs;
    this.#prefix = options.prefix;
  }

  async consume(key: string, points = 1): Promise<LimitResult> {
    if (!(Number.isInteger(points) && points >= 1)) {
      throw new TypeError(`Invalid points ${String(points)} for consume: expected a whole number >= 1`);
    }
    try {
      return toResult(await this.limiter.consume(key, points), true);
    } catch (err) {
      // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent.
      if (err instanceof RateLimiterRes) return toResult(err, false);
      throw new RateLimitStoreError(this.#prefix, 'consume', { cause: err });
    }
  }

  async reset(key: string): Promise<void> {
    try {
      await this.limiter.delete(key);
    } catch (err) {
      throw new RateLimitStoreError(this.#prefix, 'reset', { cause: err });
    } finally {
      // Counts taken during an outage must not outlive a reset either.
      await this.insurance?.delete(key);
    }
  }
}

/** The insurance limiter, telling its owner each time it stands in for Redis. */
class ReportingMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly report: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.report();
    return super.consume(...args);
  }
}

function toResult(res: RateLimiterRes, allowed: boolean): LimitResult {
  // msBeforeNext is -1 for a key without expiry, which a positive duration never makes.
  const resetMs = Math.max(0, res.msBeforeNext);
  return {
    allowed,
    remaining: allowed ? Math.max(0, res.remainingPoints) : 0,
    resetMs,
    retryAfterMs: allowed ? 0 : resetMs,
  };
}

function validate(options: LimiterOptions): void {
  const { points, durationMs, prefix } = options;
  if (!(Number.isInteger(points) && points >= 1)) {
    throw new TypeError(`Invalid points option ${String(points)}: expected a whole number >= 1`);
  }
  // Redis windows are set with EX (seconds) and a sub-second remainder would be dropped
  // (0 s = a counter that never expires): refuse anything but whole seconds.
  if (!(Number.isInteger(durationMs) && durationMs >= 1_000 && durationMs % 1_000 === 0)) {
    throw new TypeError(
      `Invalid durationMs option ${String(durationMs)}: expected whole seconds (a multiple of 1000, >= 1000)`,
    );
  }
  if (typeof prefix !== 'string' || !/^[^\s{}*?[\]\\]{1,128}$/.test(prefix)) {
    throw new TypeError(
      `Invalid prefix option ${JSON.stringify(prefix)}: expected 1-128 characters without spaces, braces or * ? [ ] \\`,
    );
  }
}
