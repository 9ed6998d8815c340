import { z } from 'zod';

// The bounds of an observation (a price or a TVL at a moment), defined once: the event
// processor checks every record against them before it compares or publishes anything,
// and the event schemas the gateway validates with use the same ones, so nothing the
// processor accepts becomes an event the gateway drops as invalid (a gap in a channel's
// positions for every subscriber).

/**
 * 2009-01-01T00:00:00Z in milliseconds: before any token had a price. The earliest
 * observation ingest accepts and the earliest date the query API answers for.
 */
export const EARLIEST_OBSERVATION_MS = Date.UTC(2009, 0, 1);

/**
 * How far ahead of the receiving server's clock an observation may be stamped: clock skew
 * between producers and us. Later stamps are refused, because a record from the future
 * would make every correct update of its token or protocol look stale until then.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The largest price or TVL, in USD (a quadrillion): far above any real one, and small
 * enough that differences and ratios of two values stay finite.
 */
export const MAX_USD_VALUE = 1e15;

/**
 * `changePercent` is clamped to this (a ten-billion-fold rise): the true figure from a
 * tiny previous price can overflow to Infinity, which JSON cannot carry. A change this
 * large passes every threshold anyway; `price` and `previousPrice` stay exact.
 */
export const MAX_CHANGE_PERCENT = 1e12;

/** A token price in USD: positive, finite, at most MAX_USD_VALUE. */
export const PriceValueSchema = z.number().positive().max(MAX_USD_VALUE);

/** A TVL in USD: zero (a drained protocol) up to MAX_USD_VALUE. */
export const TvlValueSchema = z.number().min(0).max(MAX_USD_VALUE);

/** A signed percent change between two observations: -100 (to zero) up to MAX_CHANGE_PERCENT. */
export const ChangePercentSchema = z.number().min(-100).max(MAX_CHANGE_PERCENT);

/**
 * When an observation was made, as producers send it: milliseconds since the epoch, or
 * seconds (below 10^11) converted to milliseconds; from 2009-01-01 to MAX_CLOCK_SKEW_MS past
 * this server's clock at the moment of parsing.
 */
export const IngestTimestampSchema = z.number().transform((t, ctx) => {
  const ms = Math.round(t < 1e11 ? t * 1000 : t);
  if (ms < EARLIEST_OBSERVATION_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a time not before ${iso(EARLIEST_OBSERVATION_MS)} (milliseconds or seconds since the epoch), got ${iso(ms)}`,
    });
    return z.NEVER;
  }
  const now = Date.now();
  if (ms > now + MAX_CLOCK_SKEW_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a time at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock (${iso(now)}), got ${iso(ms)}`,
    });
    return z.NEVER;
  }
  return ms;
});

/**
 * Signed percent change from `previous` to `current`, rounded to 4 decimals; 100 from 0
 * to a positive value (nothing to compare with), 0 from 0 to 0. Always within
 * ChangePercentSchema for values within PriceValueSchema / TvlValueSchema: a rise too
 * large for a double (from a tiny previous price) is clamped to MAX_CHANGE_PERCENT.
 */
export function changePercent(previous: number, current: number): number {
  if (previous === 0) return current === 0 ? 0 : 100;
  const percent = ((current - previous) / previous) * 100;
  if (!(percent <= MAX_CHANGE_PERCENT)) return MAX_CHANGE_PERCENT; // also Infinity and NaN
  return Math.max(-100, Math.round(percent * 10_000) / 10_000);
}

/** An ISO date for messages; the raw number when it is beyond what Date can show. */
function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
