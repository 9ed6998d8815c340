import { randomUUID } from 'node:crypto';
import type { PriceUpdateEvent, TvlUpdateEvent } from '@defi-realtime/protocol';

/** Epoch ms every test counts from (events carry real timestamps). */
export const T0 = Date.UTC(2025, 5, 1, 12);

/** A price_update observed at `ts`, as the event processor publishes it. */
export function priceUpdate(input: {
  tokenId?: string;
  symbol?: string;
  chain?: string;
  price: number;
  ts: number;
  eventId?: string;
}): PriceUpdateEvent {
  return {
    eventId: input.eventId ?? randomUUID(),
    type: 'price_update',
    source: 'test',
    timestamp: input.ts + 5,
    data: {
      tokenId: input.tokenId ?? 'coingecko:ethereum',
      symbol: input.symbol ?? 'ETH',
      ...(input.chain ? { chain: input.chain } : {}),
      price: input.price,
      previousPrice: input.price,
      changePercent: 0,
      timestamp: input.ts,
    },
  };
}

/** A tvl_update observed at `ts`; no chain is the protocol's total. */
export function tvlUpdate(input: {
  protocolId?: string;
  name?: string;
  chain?: string;
  tvl: number;
  ts: number;
  eventId?: string;
}): TvlUpdateEvent {
  return {
    eventId: input.eventId ?? randomUUID(),
    type: 'tvl_update',
    source: 'test',
    timestamp: input.ts + 5,
    data: {
      protocolId: input.protocolId ?? 'aave-v3',
      protocolName: input.name ?? 'Aave V3',
      ...(input.chain ? { chain: input.chain } : {}),
      tvl: input.tvl,
      previousTvl: input.tvl,
      changePercent: 0,
      timestamp: input.ts,
    },
  };
}
