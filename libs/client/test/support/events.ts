import { randomUUID } from 'node:crypto';
import type { PriceUpdateEvent, TvlUpdateEvent } from '@defi-realtime/protocol';

/** A price_update as the event processor publishes it; ETH on Ethereum unless told otherwise. */
export function priceEvent(price: number, options: { tokenId?: string; symbol?: string; previousPrice?: number } = {}): PriceUpdateEvent {
  const now = Date.now();
  const tokenId = options.tokenId ?? 'coingecko:ethereum';
  const previousPrice = options.previousPrice ?? price;
  return {
    eventId: randomUUID(),
    type: 'price_update',
    source: 'test',
    timestamp: now,
    data: {
      tokenId,
      symbol: options.symbol ?? (tokenId === 'coingecko:ethereum' ? 'ETH' : 'TKN'),
      ...(tokenId === 'coingecko:ethereum' ? { chain: 'ethereum' } : {}),
      price,
      previousPrice,
      changePercent: previousPrice === 0 ? 0 : ((price - previousPrice) / previousPrice) * 100,
      timestamp: now,
    },
  };
}

export function tvlEvent(protocolId: string, tvl: number, chain?: string): TvlUpdateEvent {
  const now = Date.now();
  return {
    eventId: randomUUID(),
    type: 'tvl_update',
    source: 'test',
    timestamp: now,
    data: { protocolId, protocolName: protocolId, ...(chain ? { chain } : {}), tvl, previousTvl: tvl, changePercent: 0, timestamp: now },
  };
}
