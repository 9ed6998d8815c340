import type { Logger } from '@defi-realtime/runtime';
import type { DeliveryDispatcher } from './dispatcher';

export interface RetryLoop {
  /** Look for due deliveries now (after a replay), instead of at the next interval. */
  wake(): void;
  /** Stop looking; resolves once a pass in progress has claimed what it claims. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, claim and attempt the deliveries that are due: retries whose time
 * came, replays, deliveries the outbox consumer could not start (no free slot, or a
 * database hiccup) and those a crashed worker left when its lease ended. A pass that
 * filled every free slot is followed by another at once.
 */
export function startRetryLoop(
  dispatcher: DeliveryDispatcher,
  options: { intervalMs: number; logger: Logger },
): RetryLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** A wake() during a pass: run another right after it. */
  let woken = false;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void pass(), delayMs);
  };

  const pass = async (): Promise<void> => {
    if (running) return;
    timer = undefined;
    woken = false;
    let again = false;
    running = (async () => {
      try {
        const free = dispatcher.capacity;
        const claimed = await dispatcher.dispatchDue();
        again = free > 0 && claimed === free;
      } catch (err) {
        options.logger.warn({ err }, 'retry loop: could not claim due deliveries');
      }
    })();
    await running;
    running = undefined;
    schedule(again || woken ? 0 : options.intervalMs);
  };

  schedule(0);
  return {
    wake() {
      if (running) woken = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
