import type { Engine } from '@defi-realtime/engine';
import { changePercent, channelsForEvent, type EventEnvelope } from '@defi-realtime/protocol';
import { isPriceChange, isTvlChange, type Thresholds } from './change';
import { eventIdOf } from './event-id';
import { FeedError, type EventFeed } from './event-feed';
import { HotCache, type CacheEntry } from './hot-cache';
import { recordKey, type ObservationRecord } from './records';

/** What became of one record. */
export type Outcome =
  | 'event' //      a change past the thresholds: published
  | 'unchanged' //  a new observation below the thresholds: stored, not published
  | 'first' //      the first value known for its key: stored; the reference for later changes
  | 'stale' //      older than the latest known observation: stored (backfill), not published
  | 'duplicate'; // the same observation again: dropped

/** The engine or the events stream could not take the events; nothing of the batch was acknowledged. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
}

/**
 * Observation records in, events out. Records are compared and the cache updated in one
 * synchronous pass, and the publishes are issued in that order, so events for one token
 * or protocol keep their order even when batches arrive concurrently (the engine's
 * connection keeps command order). With a feed, the batch's events are also appended, in
 * the same order, to the events stream the alert engine consumes. If publishing or the
 * append fails, the cache is put back, so the same batch sent again is processed again
 * rather than taken for duplicates.
 */
export class Pipeline {
  readonly cache = new HotCache();

  constructor(
    private readonly engine: Engine,
    private readonly thresholds: Thresholds,
    private readonly source: string,
    private readonly feed?: EventFeed,
  ) {}

  async process(records: ObservationRecord[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const undo: Array<() => void> = [];
    const publishes: Array<Promise<unknown>> = [];
    const payloads: string[] = [];
    for (const record of records) {
      const { outcome, event, rollback } = this.observe(record);
      outcomes.push(outcome);
      if (rollback) undo.push(rollback);
      if (event) {
        const payload = JSON.stringify(event);
        payloads.push(payload);
        for (const channel of channelsForEvent(event)) publishes.push(this.engine.publish(channel, payload));
      }
    }
    // Issued here, synchronously after the publishes: batches append in processing order.
    if (this.feed && payloads.length > 0) publishes.push(this.feed.append(payloads));
    try {
      await Promise.all(publishes);
    } catch (err) {
      for (const rollback of undo.reverse()) rollback();
      throw new PublishError(err instanceof FeedError ? err.message : 'the engine did not take the events', {
        cause: err,
      });
    }
    return outcomes;
  }

  private observe(record: ObservationRecord): { outcome: Outcome; event?: EventEnvelope; rollback?: () => void } {
    const key = recordKey(record);
    const previous = this.cache.get(key);
    const value = record.kind === 'price' ? record.price : record.tvl;
    const label = (record.kind === 'price' ? record.symbol : record.name) ?? previous?.label;
    if (previous && record.timestamp < previous.observedAt) return { outcome: 'stale' };
    if (previous && record.timestamp === previous.observedAt && value === previous.observedValue)
      return { outcome: 'duplicate' };

    const changed =
      previous !== undefined &&
      (record.kind === 'price'
        ? isPriceChange(previous.publishedValue, value, this.thresholds)
        : isTvlChange(previous.publishedValue, value, this.thresholds));
    const entry: CacheEntry = {
      observedAt: record.timestamp,
      observedValue: value,
      publishedValue: changed || !previous ? value : previous.publishedValue,
      label,
    };
    this.cache.set(key, entry);
    const rollback = () => this.cache.restore(key, previous, entry);
    if (!previous) return { outcome: 'first', rollback };
    if (!changed) return { outcome: 'unchanged', rollback };
    return { outcome: 'event', event: this.toEvent(record, previous.publishedValue, label), rollback };
  }

  private toEvent(record: ObservationRecord, previousValue: number, label: string | undefined): EventEnvelope {
    const eventId = eventIdOf(record);
    if (record.kind === 'price') {
      return {
        eventId,
        type: 'price_update',
        source: this.source,
        timestamp: Date.now(),
        data: {
          tokenId: record.tokenId,
          symbol: label ?? symbolFromId(record.tokenId),
          ...(record.chain ? { chain: record.chain } : {}),
          price: record.price,
          previousPrice: previousValue,
          changePercent: changePercent(previousValue, record.price),
          ...(record.confidence !== undefined ? { confidence: record.confidence } : {}),
          ...(record.decimals !== undefined ? { decimals: record.decimals } : {}),
          timestamp: record.timestamp,
        },
      };
    }
    return {
      eventId,
      type: 'tvl_update',
      source: this.source,
      timestamp: Date.now(),
      data: {
        protocolId: record.protocolId,
        protocolName: label ?? record.protocolId,
        ...(record.chain ? { chain: record.chain } : {}),
        tvl: record.tvl,
        previousTvl: previousValue,
        changePercent: changePercent(previousValue, record.tvl),
        timestamp: record.timestamp,
      },
    };
  }
}

/** A display symbol when the producer sent none: `coingecko:ethereum` -> `ETHEREUM`, an address -> `0xa0b8…eb48`. */
function symbolFromId(tokenId: string): string {
  const id = tokenId.slice(tokenId.indexOf(':') + 1);
  return id.startsWith('0x') && id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id.toUpperCase().slice(0, 64);
}
