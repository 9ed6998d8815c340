import type { Filters } from '@defi-realtime/protocol';
import type { PreparedEvent } from './prepared-event';

export type EventFilter = (event: PreparedEvent) => boolean;

/**
 * Compile a subscription's filters once, at subscribe time, into one predicate over
 * precomputed sets: per event it costs a few set lookups, never a walk over arrays.
 * AND across fields, OR within one; an event lacking a filtered field does not match.
 * Returns undefined when nothing filters (the fan-out's fast path).
 */
export function compileFilter(filters: Filters | undefined): EventFilter | undefined {
  if (!filters) return undefined;
  const checks: EventFilter[] = [];
  const set = (values: readonly string[] | undefined) =>
    values ? new Set(values.map((v) => v.toLowerCase())) : undefined;

  const protocolIds = set(filters.protocolIds);
  if (protocolIds) checks.push((e) => e.protocolId !== undefined && protocolIds.has(e.protocolId));
  const tokenIds = set(filters.tokenIds);
  if (tokenIds) checks.push((e) => e.tokenId !== undefined && tokenIds.has(e.tokenId));
  const chains = set(filters.chains);
  if (chains) checks.push((e) => e.chain !== undefined && chains.has(e.chain));
  const eventTypes = set(filters.eventTypes);
  if (eventTypes) checks.push((e) => eventTypes.has(e.type));

  const { minValue, maxValue } = filters;
  if (minValue !== undefined) checks.push((e) => e.value !== undefined && e.value >= minValue);
  if (maxValue !== undefined) checks.push((e) => e.value !== undefined && e.value <= maxValue);

  // Thresholds apply to their own event type and let the others through.
  const priceChange = filters.thresholds?.priceChange;
  if (priceChange !== undefined) {
    checks.push((e) => e.type !== 'price_update' || Math.abs(e.changePercent ?? 0) >= priceChange);
  }
  const tvlChange = filters.thresholds?.tvlChange;
  if (tvlChange !== undefined) {
    checks.push((e) => e.type !== 'tvl_update' || Math.abs(e.changePercent ?? 0) >= tvlChange);
  }

  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (event) => checks.every((check) => check(event));
}
