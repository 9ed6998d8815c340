import type { DataMessage } from '@defi-realtime/protocol';
import { clock, formatChange, formatPrice, formatUpdate } from './format';

const t = new Date(2024, 0, 1, 12, 0, 1).getTime();
const base = { position: { offset: 1, epoch: 'e' }, timestamp: t };

describe('readable update lines', () => {
  it('prices: symbol, price, signed change', () => {
    const update: DataMessage = {
      ...base,
      type: 'price_update',
      channel: 'token:coingecko:ethereum',
      data: {
        tokenId: 'coingecko:ethereum',
        symbol: 'ETH',
        price: 3100,
        previousPrice: 3000,
        changePercent: 3.3333,
        timestamp: t,
      },
    };
    expect(formatUpdate(update)).toBe('12:00:01 price_update token:coingecko:ethereum ETH 3,100.00 (+3.33%)');
  });

  it('tvl, protocol changes and alerts', () => {
    expect(
      formatUpdate({
        ...base,
        type: 'tvl_update',
        channel: 'protocol:uniswap-v3',
        data: {
          protocolId: 'uniswap-v3',
          protocolName: 'Uniswap V3',
          chain: 'ethereum',
          tvl: 4_100_000_000,
          previousTvl: 4e9,
          changePercent: 2.5,
          timestamp: t,
        },
      }),
    ).toBe('12:00:01 tvl_update protocol:uniswap-v3 Uniswap V3 on ethereum TVL $4.1B (+2.50%)');
    expect(
      formatUpdate({
        ...base,
        type: 'protocol_update',
        channel: 'protocols',
        data: { protocolId: 'aave-v3', protocolName: 'Aave V3', change: 'listed', fields: { category: 'Lending' } },
      }),
    ).toBe('12:00:01 protocol_update protocols Aave V3 listed category=Lending');
    expect(
      formatUpdate({
        ...base,
        type: 'alert',
        channel: 'alerts',
        data: {
          alertId: 'a',
          ruleId: 'r',
          ownerId: 'o',
          type: 'price_above',
          message: 'ETH rose above 3000 USD',
          priority: 'high',
          value: 3012.5,
          threshold: 3000,
          timestamp: t,
        },
      }),
    ).toBe('12:00:01 alert alerts [high] ETH rose above 3000 USD (value 3,012.5, threshold 3,000)');
  });

  it('numbers', () => {
    expect(formatPrice(0.0000123456789)).toBe('0.0000123457');
    expect(formatPrice(0)).toBe('0.00');
    expect(formatPrice(1234567.891)).toBe('1,234,567.89');
    expect(formatChange(-0.5)).toBe('-0.50%');
    expect(formatChange(0)).toBe('+0.00%');
    expect(clock(new Date(2024, 0, 1, 9, 5, 7).getTime())).toBe('09:05:07');
  });
});
