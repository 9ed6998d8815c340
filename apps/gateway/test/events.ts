import { randomUUID } from 'node:crypto';
import type { AlertEvent, PriceUpdateEvent, ProtocolUpdateEvent, TvlUpdateEvent } from '@defi-realtime/protocol';

/** Event envelopes as the event processor and the alert engine publish them. */

export interface PriceInput {
  tokenId?: string;
  symbol?: string;
  chain?: string;
  price: number;
  previousPrice?: number;
  changePercent?: number;
}

/** A price_update; ETH on Ethereum unless told otherwise. */
export function priceEvent(input: PriceInput): PriceUpdateEvent {
  const now = Date.now();
  const previousPrice = input.previousPrice ?? input.price;
  const changePercent = input.changePercent ?? (previousPrice === 0 ? 0 : ((input.price - previousPrice) / previousPrice) * 100);
  const tokenId = input.tokenId ?? 'coingecko:ethereum';
  const chain = input.chain ?? (tokenId === 'coingecko:ethereum' ? 'ethereum' : undefined);
  return {
    eventId: randomUUID(),
    type: 'price_update',
    source: 'test',
    timestamp: now,
    data: {
      tokenId,
      symbol: input.symbol ?? 'ETH',
      ...(chain ? { chain } : {}),
      price: input.price,
      previousPrice,
      changePercent,
      timestamp: now,
    },
  };
}

export function tvlEvent(input: { protocolId: string; chain?: string; tvl: number; changePercent?: number }): TvlUpdateEvent {
  const now = Date.now();
  return {
    eventId: randomUUID(),
    type: 'tvl_update',
    source: 'test',
    timestamp: now,
    data: {
      protocolId: input.protocolId,
      protocolName: input.protocolId,
      ...(input.chain ? { chain: input.chain } : {}),
      tvl: input.tvl,
      previousTvl: input.tvl,
      changePercent: input.changePercent ?? 0,
      timestamp: now,
    },
  };
}

/** A protocol_update; `descriptionBytes` pads its `fields` (kept as is on the wire) to make a large event. */
export function protocolEvent(protocolId: string, descriptionBytes = 0): ProtocolUpdateEvent {
  return {
    eventId: randomUUID(),
    type: 'protocol_update',
    source: 'test',
    timestamp: Date.now(),
    data: { protocolId, protocolName: protocolId, change: 'metadata', fields: { category: 'Dexes', description: 'x'.repeat(descriptionBytes) } },
  };
}

/** An alert notification for `ownerId` (the alert engine publishes it to that owner's channel only). */
export function alertEvent(ownerId: string, message: string): AlertEvent {
  const now = Date.now();
  return {
    eventId: randomUUID(),
    type: 'alert',
    source: 'alert-engine',
    timestamp: now,
    data: {
      alertId: randomUUID(),
      ruleId: 'rule-1',
      ownerId,
      type: 'price_above',
      message,
      priority: 'high',
      value: 3100,
      threshold: 3000,
      timestamp: now,
    },
  };
}
