import { PositionSchema, type Position } from '@defi-realtime/protocol';
import type { ChannelEvent, HistoryQuery, HistoryResult } from './engine';

/** A validated history query: the limit is clamped to the history size. */
export interface ResolvedQuery {
  since: Position | undefined;
  limit: number;
}

/** Validate a HistoryQuery (TypeError when malformed) and clamp its limit. */
export function resolveQuery(query: HistoryQuery | undefined, historySize: number): ResolvedQuery {
  const limit = query?.limit ?? historySize;
  if (!(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new TypeError(`HistoryQuery.limit must be an integer >= 0, got ${String(limit)}`);
  }
  let since: Position | undefined;
  if (query?.since !== undefined) {
    const parsed = PositionSchema.safeParse(query.since);
    if (!parsed.success) throw new TypeError(`HistoryQuery.since is not a position: ${parsed.error.message}`);
    since = parsed.data;
  }
  return { since, limit: Math.min(limit, historySize) };
}

/** How many events a reader at `since` missed, or null when it cannot recover at all. */
export function missedCount(top: Position, since: Position, limit: number): number | null {
  if (since.epoch !== top.epoch || since.offset > top.offset) return null;
  const missed = top.offset - since.offset;
  return missed <= limit ? missed : null;
}

/**
 * The answer for a reader at `since`, given the events an engine found after it. Shared
 * by both engines so they agree exactly: recovered only when the epoch matches, no more
 * than `limit` were missed and the events are exactly offsets since+1 .. top.
 */
export function recoveryResult(
  top: Position,
  since: Position,
  limit: number,
  found: readonly ChannelEvent[],
): HistoryResult {
  const missed = missedCount(top, since, limit);
  const complete =
    missed !== null &&
    found.length === missed &&
    found.every((event, i) => event.position.offset === since.offset + 1 + i);
  return complete
    ? { events: [...found], recovered: true, position: top }
    : { events: [], recovered: false, position: top };
}
