import fc from 'fast-check';
import { PriceUpdateDataSchema, TvlUpdateDataSchema } from './events';
import { IngestPriceSchema, IngestTvlSchema } from './ingest';
import { validate } from './issues';
import {
  ChangePercentSchema,
  EARLIEST_OBSERVATION_MS,
  MAX_CHANGE_PERCENT,
  MAX_CLOCK_SKEW_MS,
  MAX_USD_VALUE,
  PriceValueSchema,
  TvlValueSchema,
  changePercent,
} from './observations';

const YEAR_MS = 365.25 * 86_400_000;
const price = (fields: Record<string, unknown>) =>
  validate(IngestPriceSchema, { tokenId: 'coingecko:ethereum', price: 3000, timestamp: Date.now(), ...fields });
const tvl = (fields: Record<string, unknown>) =>
  validate(IngestTvlSchema, { protocolId: 'aave-v3', tvl: 1e9, timestamp: Date.now(), ...fields });

describe('ingest timestamps: from 2009 to a few minutes past the server clock', () => {
  it.each([
    ['100 years ahead', Date.now() + 100 * YEAR_MS, /at most 5 minutes ahead of the server's clock/],
    ['6 minutes ahead', Date.now() + 6 * 60_000, /at most 5 minutes ahead/],
    ['in 2001 (milliseconds)', 1e12, /not before 2009-01-01T00:00:00.000Z/],
    ['in 1970 (seconds)', 1_000, /not before 2009-01-01/],
    ['negative', -5, /not before 2009-01-01/],
    ['absurdly large', 1e300, /at most 5 minutes ahead/],
  ])('refuses a record stamped %s, naming timestamp', (_, timestamp, reason) => {
    for (const result of [price({ timestamp }), tvl({ timestamp })]) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.field).toBe('timestamp');
        expect(result.error.message).toMatch(reason);
      }
    }
  });

  it('accepts the window edges, seconds converted to milliseconds', () => {
    expect(price({ timestamp: EARLIEST_OBSERVATION_MS })).toMatchObject({
      ok: true,
      value: { timestamp: EARLIEST_OBSERVATION_MS },
    });
    expect(price({ timestamp: EARLIEST_OBSERVATION_MS / 1000 })).toMatchObject({
      ok: true,
      value: { timestamp: EARLIEST_OBSERVATION_MS },
    });
    const skewed = Date.now() + MAX_CLOCK_SKEW_MS - 1_000;
    expect(tvl({ timestamp: skewed })).toMatchObject({ ok: true, value: { timestamp: skewed } });
  });
});

describe('ingest values: finite, bounded, every derived number finite', () => {
  it.each([
    ['price', 1e308, /<= 1000000000000000/],
    ['price', 0, /> 0/],
    ['price', -1, /> 0/],
    ['price', MAX_USD_VALUE * 1.01, /<= 1000000000000000/],
  ])('refuses %s %d, naming the field', (field, value, reason) => {
    const result = price({ [field]: value });
    expect(result).toMatchObject({ ok: false, error: { field } });
    if (!result.ok) expect(result.error.message).toMatch(reason);
  });

  it('refuses a TVL above the bound or negative, and accepts zero', () => {
    expect(tvl({ tvl: 1e308 })).toMatchObject({ ok: false, error: { field: 'tvl' } });
    expect(tvl({ tvl: -1 })).toMatchObject({ ok: false, error: { field: 'tvl' } });
    expect(tvl({ tvl: 0 })).toMatchObject({ ok: true });
  });

  it("refuses a chain other than the token id's (the event would go to the wrong channel)", () => {
    const result = price({ tokenId: 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', chain: 'bsc' });
    expect(result).toMatchObject({ ok: false, error: { field: 'chain' } });
    expect(price({ tokenId: 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', chain: 'Ethereum' })).toMatchObject({
      ok: true,
    });
  });
});

describe('changePercent', () => {
  it('is the rounded signed percent, 100 from zero', () => {
    expect(changePercent(3000, 3100)).toBe(3.3333);
    expect(changePercent(100, 0)).toBe(-100);
    expect(changePercent(0, 5)).toBe(100);
    expect(changePercent(0, 0)).toBe(0);
  });

  it('clamps a rise too large for a double to MAX_CHANGE_PERCENT instead of Infinity', () => {
    expect(changePercent(5e-324, MAX_USD_VALUE)).toBe(MAX_CHANGE_PERCENT);
    expect(changePercent(1e-300, 1)).toBe(MAX_CHANGE_PERCENT);
    expect(JSON.parse(JSON.stringify({ c: changePercent(1e-300, 1) }))).toEqual({ c: MAX_CHANGE_PERCENT });
  });

  it('stays within the event schema for any two valid prices or TVLs', () => {
    const priceValue = fc.oneof(
      fc.double({ min: Number.MIN_VALUE, max: MAX_USD_VALUE, noNaN: true }),
      fc.constantFrom(Number.MIN_VALUE, 1e-300, 1, MAX_USD_VALUE),
    );
    const tvlValue = fc.oneof(
      fc.double({ min: 0, max: MAX_USD_VALUE, noNaN: true }),
      fc.constantFrom(0, Number.MIN_VALUE, MAX_USD_VALUE),
    );
    fc.assert(
      fc.property(priceValue, priceValue, (previous, current) => {
        expect(PriceValueSchema.safeParse(previous).success && PriceValueSchema.safeParse(current).success).toBe(true);
        expect(ChangePercentSchema.safeParse(changePercent(previous, current)).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(tvlValue, tvlValue, (previous, current) => {
        expect(TvlValueSchema.safeParse(previous).success && TvlValueSchema.safeParse(current).success).toBe(true);
        expect(ChangePercentSchema.safeParse(changePercent(previous, current)).success).toBe(true);
      }),
    );
  });
});

describe('events carry the same bounds', () => {
  const data = {
    tokenId: 'coingecko:ethereum',
    symbol: 'ETH',
    price: 3100,
    previousPrice: 3000,
    changePercent: 3.3333,
    timestamp: Date.now(),
  };

  it('refuses what ingest refuses: a price past the bound, a non-finite change', () => {
    expect(PriceUpdateDataSchema.safeParse(data).success).toBe(true);
    expect(PriceUpdateDataSchema.safeParse({ ...data, price: 1e308 }).success).toBe(false);
    expect(PriceUpdateDataSchema.safeParse({ ...data, changePercent: null }).success).toBe(false); // Infinity as JSON
    expect(
      TvlUpdateDataSchema.safeParse({
        protocolId: 'lido',
        protocolName: 'Lido',
        tvl: 0,
        previousTvl: 5,
        changePercent: -100,
        timestamp: Date.now(),
      }).success,
    ).toBe(true);
  });
});
