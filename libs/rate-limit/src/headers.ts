import type { LimitResult } from './limiter';

/**
 * HTTP headers for a rate-limited response, as the IETF RateLimit header fields draft
 * (draft-ietf-httpapi-ratelimit-headers, the separate-field form most clients read) and
 * RFC 9110 Retry-After: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`
 * (seconds until the window resets) and, when refused, `Retry-After` (seconds).
 * `windowMs` adds `RateLimit-Policy` (`<limit>;w=<seconds>`).
 */
export function rateLimitHeaders(result: LimitResult, limit: number, windowMs?: number): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, result.remaining)),
    'RateLimit-Reset': String(seconds(result.resetMs)),
  };
  if (windowMs !== undefined) headers['RateLimit-Policy'] = `${limit};w=${seconds(windowMs)}`;
  // Never "Retry-After: 0" on a refusal: a client would retry at once and be refused again.
  if (!result.allowed) headers['Retry-After'] = String(Math.max(1, seconds(result.retryAfterMs)));
  return headers;
}

// Rounded up: a client that waits the advertised time must find the window reset.
function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}
