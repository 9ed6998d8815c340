import type { Queue } from '@defi-realtime/queue';
import { Counter, type Registry } from 'prom-client';

/** The events stream did not take a batch's events. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
}

/**
 * Appends every published event, as the same JSON text, to a queue stream (`events`) that
 * the alert engine consumes through a consumer group. Unlike pub/sub, the stream keeps
 * what arrives while no consumer is up, so no event goes unevaluated; consumers are
 * idempotent, so an event appended twice (a batch re-sent after a failure) is harmless.
 */
export class EventFeed {
  private readonly appended: Counter<'outcome'>;

  constructor(
    private readonly queue: Queue,
    readonly stream: string,
    private readonly maxLen: number,
    registry: Registry,
  ) {
    this.appended = new Counter({
      name: 'processor_feed_events_total',
      help: 'Events appended to the events stream, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  /**
   * Append one batch's events in publish order with one `add`, issued before this returns
   * its promise: batches processed one after the other land in that order.
   */
  async append(payloads: string[]): Promise<void> {
    try {
      await this.queue.add(this.stream, payloads, { maxLen: this.maxLen });
      this.appended.inc({ outcome: 'appended' }, payloads.length);
    } catch (err) {
      this.appended.inc({ outcome: 'failed' }, payloads.length);
      throw new FeedError(`the ${this.stream} stream did not take the events`, { cause: err });
    }
  }
}
