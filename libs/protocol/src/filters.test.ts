import {
  DEFAULT_SUBSCRIBE_OPTIONS,
  FiltersSchema,
  MAX_FILTER_ENTRIES,
  SubscribeOptionsSchema,
  validate,
} from './index';

describe('FiltersSchema', () => {
  it('accepts every field of DESIGN section 3 and normalizes ids', () => {
    const filters = {
      protocolIds: ['Uniswap-V3', 'aave-v3'],
      tokenIds: ['coingecko:ethereum', 'ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'],
      chains: ['Ethereum', 'arbitrum'],
      eventTypes: ['price_update', 'tvl_update'],
      minValue: 1000,
      maxValue: 1e12,
      thresholds: { tvlChange: 1, priceChange: 0.5 },
    };
    expect(FiltersSchema.parse(filters)).toEqual({
      ...filters,
      protocolIds: ['uniswap-v3', 'aave-v3'],
      tokenIds: ['coingecko:ethereum', 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'],
      chains: ['ethereum', 'arbitrum'],
    });
  });

  it('accepts an empty filter', () => {
    expect(FiltersSchema.parse({})).toEqual({});
  });

  it.each([
    [
      'a list over the cap',
      { chains: Array.from({ length: MAX_FILTER_ENTRIES + 1 }, () => 'ethereum') },
      'chains',
      'chains: expected at most 100 entries',
    ],
    ['an empty list', { tokenIds: [] }, 'tokenIds', 'tokenIds: expected at least 1 entry'],
    [
      'a bad chain',
      { chains: ['eth main'] },
      'chains.0',
      "chains.0: chain must be lower-case letters, digits, '-' or '_' (e.g. 'ethereum')",
    ],
    [
      'an unknown event type',
      { eventTypes: ['trade'] },
      'eventTypes.0',
      'eventTypes.0: expected one of "price_update", "tvl_update", "protocol_update", "alert"',
    ],
    ['min above max', { minValue: 10, maxValue: 5 }, 'maxValue', 'maxValue: must be >= minValue'],
    [
      'a negative threshold',
      { thresholds: { tvlChange: -1 } },
      'thresholds.tvlChange',
      'thresholds.tvlChange: expected a number >= 0',
    ],
    ['an unknown field', { chain: ['ethereum'] }, 'chain', 'chain: unknown field'],
    [
      'an unknown threshold',
      { thresholds: { volumeChange: 3 } },
      'thresholds.volumeChange',
      'thresholds.volumeChange: unknown field',
    ],
  ])('rejects %s', (_name, filters, field, message) => {
    expect(validate(FiltersSchema, filters)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', field, message } });
  });
});

describe('SubscribeOptionsSchema', () => {
  it('accepts the bounds', () => {
    expect(SubscribeOptionsSchema.parse({ throttleMs: 0, minChangePct: 0, snapshot: true })).toEqual({
      throttleMs: 0,
      minChangePct: 0,
      snapshot: true,
    });
    expect(SubscribeOptionsSchema.parse({ throttleMs: 60_000 })).toEqual({ throttleMs: 60_000 });
  });

  it.each([
    [{ throttleMs: 60_001 }, 'throttleMs: expected a number <= 60000'],
    [{ throttleMs: -1 }, 'throttleMs: expected a number >= 0'],
    [{ throttleMs: 100.5 }, 'throttleMs: expected an integer, got a fraction'],
    [{ minChangePct: -0.1 }, 'minChangePct: expected a number >= 0'],
    [{ snapshot: 'yes' }, 'snapshot: expected a boolean, got a string'],
  ])('rejects %j', (options, message) => {
    const result = validate(SubscribeOptionsSchema, options);
    expect(!result.ok && result.error.message).toBe(message);
  });

  it('defaults are frozen and valid', () => {
    expect(Object.isFrozen(DEFAULT_SUBSCRIBE_OPTIONS)).toBe(true);
    expect(SubscribeOptionsSchema.parse(DEFAULT_SUBSCRIBE_OPTIONS)).toEqual(DEFAULT_SUBSCRIBE_OPTIONS);
  });
});
