/**
 * A fixed one-minute window counter kept on the connection: two numbers, no timer, no
 * allocation per message (the per-connection limits are checked on every message).
 */
export class WindowCounter {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly windowMs = 60_000) {}

  /** Count `n` more; false when that goes over `limit` in the current window. */
  take(limit: number, n = 1, now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count + n > limit) return false;
    this.count += n;
    return true;
  }

  /** Milliseconds until the current window ends. */
  retryAfterMs(now = Date.now()): number {
    return Math.max(0, this.windowStart + this.windowMs - now);
  }
}
