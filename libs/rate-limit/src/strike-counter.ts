export interface StrikeCounterOptions {
  /** Violations tolerated within `windowMs`; one more and `strike()` says to close. @default 5 */
  maxStrikes?: number;
  /** The sliding window the violations are counted in. @default 60_000 */
  windowMs?: number;
  /** The clock, in ms (tests pass a fake one). @default performance.now */
  now?: () => number;
}

/** The defaults, in one place. */
export const STRIKE_DEFAULTS = { maxStrikes: 5, windowMs: 60_000 } as const;

/**
 * Counts one connection's violations (messages refused by a rate limit) so that a client
 * that keeps going after being told is closed with RATE_LIMITED (4029), while one that
 * slipped once is only warned. A sliding window over the last `maxStrikes` violation times:
 * no timers, and no memory at all for the connections that never violate.
 */
export class StrikeCounter {
  readonly maxStrikes: number;
  readonly windowMs: number;
  readonly #now: () => number;
  #times: number[] | undefined; // a ring buffer of the last maxStrikes violation times
  #next = 0;

  constructor(options: StrikeCounterOptions = {}) {
    const { maxStrikes, windowMs } = { ...STRIKE_DEFAULTS, ...options };
    if (!(Number.isInteger(maxStrikes) && maxStrikes >= 0)) {
      throw new TypeError(`Invalid maxStrikes option ${String(maxStrikes)}: expected a whole number >= 0`);
    }
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new TypeError(`Invalid windowMs option ${String(windowMs)}: expected ms > 0`);
    }
    this.maxStrikes = maxStrikes;
    this.windowMs = windowMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Record a violation. True when it is more than `maxStrikes` within `windowMs`: the
   * caller closes the connection with RATE_LIMITED.
   */
  strike(): boolean {
    const now = this.#now();
    if (this.maxStrikes === 0) return true;
    this.#times ??= new Array<number>(this.maxStrikes).fill(Number.NEGATIVE_INFINITY);
    // The slot about to be overwritten holds the maxStrikes-th most recent violation: if it
    // is still inside the window, this one makes maxStrikes + 1.
    const oldest = this.#times[this.#next] as number;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % this.maxStrikes;
    return now - oldest < this.windowMs;
  }

  /** Violations within the window right now. */
  get count(): number {
    if (this.#times === undefined) return 0;
    const since = this.#now() - this.windowMs;
    return this.#times.filter((t) => t > since).length;
  }

  /** Forget every violation. */
  reset(): void {
    this.#times = undefined;
    this.#next = 0;
  }
}
