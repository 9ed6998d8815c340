import { priceEvent, protocolEvent, tvlEvent } from '@defi-realtime/fixtures';
import { parseEntry } from './observations';

describe('parseEntry', () => {
  it('reads a price_update: token, chain, symbol, price and the observation time', () => {
    const event = priceEvent({ price: 4012.5 });
    expect(parseEntry(JSON.stringify(event))).toEqual({
      ok: true,
      observation: {
        kind: 'price',
        eventId: event.eventId,
        id: 'coingecko:ethereum',
        chain: 'ethereum',
        label: 'ETH',
        value: 4012.5,
        ts: event.data.timestamp,
      },
    });
  });

  it('reads a tvl_update without a chain as the protocol total', () => {
    const event = tvlEvent({ protocolId: 'aave-v3', tvl: 2.5e10 });
    const parsed = parseEntry(JSON.stringify(event));
    expect(parsed).toMatchObject({
      ok: true,
      observation: { kind: 'tvl', id: 'aave-v3', chain: undefined, value: 2.5e10 },
    });
  });

  it.each([
    ['not JSON', '{"type":', 'malformed'],
    ['not an object', '42', 'malformed'],
    ['no type', '{"eventId":"x"}', 'malformed'],
    [
      'a negative price',
      JSON.stringify({ ...priceEvent({ price: 1 }), data: { ...priceEvent({ price: 1 }).data, price: -1 } }),
      'malformed',
    ],
    [
      'a price without timestamp',
      JSON.stringify({ eventId: 'e', type: 'price_update', data: { tokenId: 't:x', symbol: 'X', price: 1 } }),
      'malformed',
    ],
    ['an unknown type', JSON.stringify({ eventId: 'e', type: 'volume_update', data: {} }), 'unknown_type'],
    ['a protocol_update', JSON.stringify(protocolEvent('aave-v3')), 'ignored_type'],
  ])('skips %s as %s', (_name, payload, outcome) => {
    expect(parseEntry(payload)).toMatchObject({ ok: false, outcome });
  });
});
