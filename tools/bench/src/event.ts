import { nowMs } from './clock';

/**
 * The event every target carries: a real `price_update` envelope (DESIGN section 4), so
 * payload sizes match production, plus `data.benchSentAt`, the publisher's sub-millisecond
 * send time. A server that strips unknown fields loses benchSentAt; probes then fall back
 * to the envelope's integer `timestamp` and the report says the latencies are imprecise.
 */
export interface BenchEvent {
  eventId: string;
  type: 'price_update';
  source: 'bench';
  timestamp: number;
  data: {
    tokenId: string;
    symbol: string;
    chain: string;
    price: number;
    previousPrice: number;
    changePercent: number;
    timestamp: number;
    benchSentAt: number;
    benchSeq: number;
  };
}

/** Build event number `seq`; the price walks so consecutive events differ like real ones. */
export function makeEvent(seq: number, previousPrice: number): BenchEvent {
  const sentAt = nowMs();
  const price = Math.round(previousPrice * (1 + (seq % 2 ? 0.002 : -0.0015)) * 100) / 100;
  const timestamp = Math.floor(sentAt);
  return {
    eventId: `bench:coingecko:ethereum:${seq}`,
    type: 'price_update',
    source: 'bench',
    timestamp,
    data: {
      tokenId: 'coingecko:ethereum',
      symbol: 'ETH',
      chain: 'ethereum',
      price,
      previousPrice,
      changePercent: Math.round(((price - previousPrice) / previousPrice) * 1e6) / 1e4,
      timestamp,
      benchSentAt: sentAt,
      benchSeq: seq,
    },
  };
}

/** When an event was published; `precise` false when only the integer-ms `timestamp` survived. */
export interface SentAt {
  at: number;
  precise: boolean;
}

/** The publish time carried by a parsed event-like object (`{timestamp, data: {benchSentAt?}}`). */
export function sentAtOf(event: unknown): SentAt | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { timestamp, data } = event as { timestamp?: unknown; data?: { benchSentAt?: unknown } };
  if (typeof data?.benchSentAt === 'number') return { at: data.benchSentAt, precise: true };
  // The middle of the millisecond: unbiased when the sub-millisecond part was lost.
  return typeof timestamp === 'number' ? { at: timestamp + 0.5, precise: false } : undefined;
}
