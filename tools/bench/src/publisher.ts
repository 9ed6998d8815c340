import { makeEvent } from './event';
import type { Publisher } from './targets/types';

export interface PublishStats {
  published: number;
  failed: number;
  firstError?: string;
  /** Send time (nowMs) of every event, to count what was published inside the window. */
  sentAt: number[];
  /** Worst lateness against the schedule: a large value means the harness itself was too busy. */
  maxLagMs: number;
}

export interface PublishLoop {
  /** Stop publishing; resolves once the events in flight were acknowledged (or after 5 s). */
  stop(): Promise<PublishStats>;
}

/**
 * Publish at a fixed rate. Each send is scheduled on an absolute timeline (start + n *
 * period), so timer jitter never accumulates into a lower rate; sends are not awaited, so
 * a slow acknowledgement never delays the next event.
 */
export function startPublishing(publisher: Publisher, ratePerSecond: number): PublishLoop {
  const period = 1000 / ratePerSecond;
  const stats: PublishStats = { published: 0, failed: 0, sentAt: [], maxLagMs: 0 };
  const inFlight = new Set<Promise<unknown>>();
  const t0 = performance.now();
  let price = 3000;
  let timer: NodeJS.Timeout | undefined;

  const fire = () => {
    const scheduled = t0 + stats.published * period;
    stats.maxLagMs = Math.max(stats.maxLagMs, performance.now() - scheduled);
    const event = makeEvent(stats.published, price);
    price = event.data.price;
    stats.sentAt.push(event.data.benchSentAt);
    stats.published++;
    // Through a promise even if publish() throws synchronously: a failure is counted, never fatal.
    const sending = Promise.resolve(event)
      .then((e) => publisher.publish(e))
      .catch((err: unknown) => {
        stats.failed++;
        stats.firstError ??= err instanceof Error ? err.message : String(err);
      });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    timer = setTimeout(fire, Math.max(0, t0 + stats.published * period - performance.now()));
  };
  fire();

  return {
    async stop() {
      clearTimeout(timer);
      const settled = Promise.allSettled([...inFlight]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 5000))]);
      return stats;
    },
  };
}

/** How many of `sentAt` fall in [from, to). */
export function countBetween(sentAt: number[], from: number, to: number): number {
  let n = 0;
  for (const at of sentAt) if (at >= from && at < to) n++;
  return n;
}
