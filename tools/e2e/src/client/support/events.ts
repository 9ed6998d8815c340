import { priceEvent as buildPrice, tvlEvent as buildTvl } from '@defi-realtime/fixtures';
import type { PriceUpdateEvent, TvlUpdateEvent } from '@defi-realtime/protocol';

/** A price_update as the event processor publishes it; ETH on Ethereum unless told otherwise. */
export function priceEvent(
  price: number,
  options: { tokenId?: string; symbol?: string; previousPrice?: number } = {},
): PriceUpdateEvent {
  return buildPrice({
    price,
    ...options,
    ...(options.symbol === undefined && options.tokenId && options.tokenId !== 'coingecko:ethereum'
      ? { symbol: 'TKN' }
      : {}),
  });
}

export function tvlEvent(protocolId: string, tvl: number, chain?: string): TvlUpdateEvent {
  return buildTvl({ protocolId, tvl, ...(chain ? { chain } : {}) });
}
