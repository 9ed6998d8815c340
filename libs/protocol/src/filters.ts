import { z } from 'zod';
import { EventTypeSchema } from './events';
import { ChainSchema, ProtocolIdSchema, TokenIdSchema } from './ids';

// Subscription filters and options (DESIGN section 3). The gateway evaluates them on
// every event for every subscriber, so their size is bounded here: a client cannot make
// one subscription cost more than a few set lookups.

/** Entries allowed in one filter list. */
export const MAX_FILTER_ENTRIES = 100;

/**
 * A list filter: OR within it. Empty lists are refused rather than read as "match
 * nothing" or "match everything": the sender surely meant one of those, and we cannot tell which.
 */
function anyOf<T extends z.ZodType>(item: T) {
  return z.array(item).min(1).max(MAX_FILTER_ENTRIES);
}

/** An absolute percent move, e.g. 2 for "2 % up or down". */
const percent = z.number().nonnegative();

export const ThresholdsSchema = z.strictObject({
  /** Deliver a tvl_update only when |changePercent| >= this. */
  tvlChange: percent.optional(),
  /** Deliver a price_update only when |changePercent| >= this. */
  priceChange: percent.optional(),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

/**
 * All optional, AND across fields, OR within one. A field filter excludes events that
 * lack the field (a `chains` filter drops prices that name no chain). `minValue` and
 * `maxValue` bound the event's value: `price` for price_update, `tvl` for tvl_update,
 * `value` for alert.
 */
export const FiltersSchema = z
  .strictObject({
    protocolIds: anyOf(ProtocolIdSchema).optional(),
    tokenIds: anyOf(TokenIdSchema).optional(),
    chains: anyOf(ChainSchema).optional(),
    eventTypes: anyOf(EventTypeSchema).optional(),
    minValue: z.number().optional(),
    maxValue: z.number().optional(),
    thresholds: ThresholdsSchema.optional(),
  })
  .refine(
    (filters) =>
      filters.minValue === undefined || filters.maxValue === undefined || filters.minValue <= filters.maxValue,
    {
      path: ['maxValue'],
      error: 'must be >= minValue',
    },
  );
export type Filters = z.infer<typeof FiltersSchema>;

/** Longest conflation period a client may ask for: a minute. */
export const MAX_THROTTLE_MS = 60_000;

export const SubscribeOptionsSchema = z.strictObject({
  /**
   * Conflate: at most one update per key per period, always the latest.
   * @default 0 (every update)
   */
  throttleMs: z.number().int().min(0).max(MAX_THROTTLE_MS).optional(),
  /**
   * Deliver only when the value moved at least this percent since the last one this subscriber got.
   * @default 0
   */
  minChangePct: z.number().nonnegative().optional(),
  /**
   * Send the channel's current value (a `snapshot` message) before live updates.
   * @default false
   */
  snapshot: z.boolean().optional(),
});
export type SubscribeOptions = z.infer<typeof SubscribeOptionsSchema>;

/** What an absent option means; the only place those defaults live. */
export const DEFAULT_SUBSCRIBE_OPTIONS: Readonly<Required<SubscribeOptions>> = Object.freeze({
  throttleMs: 0,
  minChangePct: 0,
  snapshot: false,
});
