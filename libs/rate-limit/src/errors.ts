/**
 * The limiter's store (Redis) failed and there was no insurance limiter to fall back to:
 * the caller decides whether to admit or refuse. Never thrown for "limit exceeded".
 */
export class RateLimitStoreError extends Error {
  override readonly name = 'RateLimitStoreError';
  readonly code = 'RATE_LIMIT_STORE_UNAVAILABLE';
  constructor(
    /** The limiter's prefix, to tell which limit could not be checked. */
    readonly prefix: string,
    operation: string,
    options: { cause: unknown },
  ) {
    super(`rate limiter "${prefix}": ${operation} failed: ${describe(options.cause)}`, options);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message || cause.name : String(cause);
}
