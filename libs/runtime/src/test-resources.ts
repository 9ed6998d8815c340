/*
 * What a test starts (an app, a server, a process), closed by a hook even when the test
 * failed or timed out while the start was still pending. A test that awaits `start()` and
 * closes in `finally` leaks when Jest's timeout ends the test first: the start completes
 * after the test ended, nobody closes it, and its sockets keep Jest from exiting.
 */
import { withTimeout } from './wait';

type Close = () => Promise<void>;

/** Resources registered before their start is awaited, closed together by `closeAll()`. */
export class TestResources {
  private readonly entries: Array<Promise<Close | undefined>> = [];

  /** @param waitMs how long `closeAll()` waits for a start still pending before it reports one. */
  constructor(private readonly waitMs: number) {}

  /**
   * Register `starting` (before awaiting it) with how to close what it resolves to; returns
   * `starting`. A start that fails has nothing to close (the app closed what it opened).
   */
  add<T>(starting: Promise<T>, close: (thing: T) => unknown): Promise<T> {
    this.entries.push(
      starting.then(
        (thing) => async () => {
          await close(thing);
        },
        () => undefined,
      ),
    );
    return starting;
  }

  /**
   * Close everything registered so far, last started first. Closing twice must be harmless
   * (a test may close explicitly to assert on it). A start still pending is waited for up to
   * `waitMs`, then reported as an error; it is closed whenever it completes, even later.
   */
  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const entry of this.entries.splice(0).reverse()) {
      const closed = entry.then((close) => close?.());
      try {
        await withTimeout(
          closed,
          this.waitMs,
          'a start (or its close) still pending when its test ended; it is closed once it completes',
        );
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} test resources failed to close`);
  }
}

/** Resources closed after each test of the enclosing `describe` (call it at describe level). */
export function closeAfterEach(waitMs = 60_000): TestResources {
  const resources = new TestResources(waitMs);
  afterEach(() => resources.closeAll(), waitMs + 10_000);
  return resources;
}

/** Resources closed after all tests of the enclosing `describe`: for what `beforeAll` starts. */
export function closeAfterAll(waitMs = 60_000): TestResources {
  const resources = new TestResources(waitMs);
  afterAll(() => resources.closeAll(), waitMs + 10_000);
  return resources;
}
