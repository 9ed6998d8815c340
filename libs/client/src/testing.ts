/*
 * Waits for tests of code built on this SDK (its own tests, the end-to-end ones): they use
 * only timers, so they run wherever the SDK runs.
 */
import type { Emitter } from './client/emitter';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it returns true (or a value); fail after `timeoutMs` with `what`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The next `event` whose payload passes `match`, within `timeoutMs`. */
export function nextEvent<E extends object, K extends keyof E>(
  source: Emitter<E>,
  event: K,
  match: (payload: E[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      source.off(event, listener);
      reject(new Error(`no '${String(event)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: E[K]): void => {
      if (!match(payload)) return;
      clearTimeout(timer);
      source.off(event, listener);
      resolve(payload);
    };
    source.on(event, listener);
  });
}
