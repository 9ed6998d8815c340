import type { ChannelEvent, Engine, EventHandler } from '../src/engine';
import { eventually, sleep } from '@defi-realtime/runtime/testing';

export { eventually, sleep };

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
