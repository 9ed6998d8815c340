import { changePercent } from '@defi-realtime/protocol';

/** When a new value is a change worth an event (DESIGN section 4); configurable. */
export interface Thresholds {
  /** Price moves of at least this percent. @default 0.1 */
  pricePct: number;
  /** TVL moves of at least this percent... @default 1 */
  tvlPct: number;
  /** ...or of at least this many dollars. @default 10_000 */
  tvlUsd: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({ pricePct: 0.1, tvlPct: 1, tvlUsd: 10_000 });

export function isPriceChange(previous: number, current: number, t: Thresholds): boolean {
  return Math.abs(changePercent(previous, current)) >= t.pricePct;
}

export function isTvlChange(previous: number, current: number, t: Thresholds): boolean {
  return Math.abs(current - previous) >= t.tvlUsd || Math.abs(changePercent(previous, current)) >= t.tvlPct;
}
