import type { ChannelEvent, Engine, EventHandler } from '../src/engine';

/** Resolve when `check` passes, polling; reject with its last failure after `timeoutMs`. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(everyMs);
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Collector {
  events: ChannelEvent[];
  handler: EventHandler;
  /** Resolve once `n` events arrived (fails after a generous timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<ChannelEvent[]>;
}

/** Subscribe a recording handler to `channel` on `engine`. */
export async function collect(engine: Engine, channel: string): Promise<Collector> {
  const events: ChannelEvent[] = [];
  const handler: EventHandler = (event) => void events.push(event);
  await engine.subscribe(channel, handler);
  return {
    events,
    handler,
    async waitFor(n, timeoutMs = 10_000) {
      await eventually(() => {
        if (events.length < n) throw new Error(`received ${events.length} of ${n} events on ${channel}`);
      }, timeoutMs);
      return events;
    },
  };
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
