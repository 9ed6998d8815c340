/**
 * The buffer behind one `for await` loop over a subscription: values pushed while the
 * loop is busy wait here, in order. It ends when the subscription ends (`end`), or throws
 * the error that failed it (`fail`). Unbounded: a loop that stops reading should `break`
 * (which removes the queue), not fall behind.
 */
export class UpdateQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (err: unknown) => void } | undefined;
  private done = false;
  private error: unknown;

  constructor(private readonly onReturn: (queue: UpdateQueue<T>) => void) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value, done: false });
    } else {
      this.values.push(value);
    }
  }

  /** No more values: the loop finishes once it has read the buffered ones. */
  end(): void {
    this.finish(undefined);
  }

  /** The loop throws `error` once it has read the buffered values. */
  fail(error: unknown): void {
    this.finish(error ?? new Error('subscription failed'));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.values.length > 0) return Promise.resolve({ value: this.values.shift() as T, done: false });
    if (this.done)
      return this.error === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.takeError());
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.finish(undefined);
    this.error = undefined;
    this.onReturn(this);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return;
    if (error === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(this.takeError());
  }

  /** The error is thrown once; later calls just say done. */
  private takeError(): unknown {
    const error = this.error;
    this.error = undefined;
    return error;
  }
}
