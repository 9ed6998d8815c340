/**
 * Capped exponential backoff with full jitter: a uniformly random delay between 0 and
 * min(maxMs, minMs * 2^attempt). Spreading reconnects over the whole interval is what
 * keeps thousands of clients of a restarted server from arriving at the same instant.
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * cap);
}
