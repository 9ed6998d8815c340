export { createLimiter } from './limiter';
export type { Limiter, LimiterOptions, LimitResult } from './limiter';
export { StrikeCounter, STRIKE_DEFAULTS } from './strike-counter';
export type { StrikeCounterOptions } from './strike-counter';
export { rateLimitHeaders } from './headers';
export { RateLimitStoreError } from './errors';
