/**
 * Keeps subscribe/unsubscribe messages within the server's `subscriptionChangesPerMinute`
 * (welcome.limits), so that restoring many subscriptions after a reconnect is paced
 * rather than answered with RATE_LIMITED and, after repeated violations, a 4029 close.
 * A sliding window: never more than `limit` sends within any `windowMs`, which also
 * satisfies the server's fixed one-minute window.
 */
export class ChangePacer {
  #sent: number[] = [];
  #queue: Array<() => boolean> = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #limit = Infinity;

  constructor(private readonly windowMs = 60_000) {}

  /** A new connection: a new budget (the server counts per connection), nothing queued. */
  reset(limit: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sent = [];
    this.#queue = [];
    this.#limit = limit > 0 ? limit : Infinity;
  }

  /** Run `send` now if the budget allows, else once it does; in order either way. `send` returns false when it sent nothing. */
  run(send: () => boolean): void {
    this.#queue.push(send);
    this.#drain();
  }

  /** Drop everything queued (the connection is gone). */
  stop(): void {
    this.reset(this.#limit);
  }

  #drain(): void {
    if (this.#timer) return;
    while (this.#queue.length > 0) {
      const now = Date.now();
      while (this.#sent.length > 0 && now - (this.#sent[0] as number) >= this.windowMs) this.#sent.shift();
      if (this.#sent.length >= this.#limit) {
        // 50 ms of slack: the server's window must have rolled over when this one fires.
        this.#timer = setTimeout(
          () => {
            this.#timer = undefined;
            this.#drain();
          },
          (this.#sent[0] as number) + this.windowMs - now + 50,
        );
        return;
      }
      this.#sent.push(now);
      if (!(this.#queue.shift() as () => boolean)()) this.#sent.pop();
    }
  }
}
