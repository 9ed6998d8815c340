import {
  ChartPlanError,
  chainKeyFromName,
  chainName,
  chartTargets,
  decodeCursor,
  encodeCursor,
  parseDuration,
} from '../../src/data';

describe('parseDuration (DefiLlama period and searchWidth strings)', () => {
  it.each([
    ['4h', 14_400],
    ['4H', 14_400],
    ['30m', 1_800],
    ['2d', 172_800],
    ['1w', 604_800],
    ['d', 86_400],
    ['600', 600],
    ['1.5h', 5_400],
  ])('%s is %d seconds', (input, seconds) => expect(parseDuration(input)).toBe(seconds));

  it.each(['', 'h4', '4 hours', '-1h', '4y', 'abc'])('%j is not a duration', (input) =>
    expect(parseDuration(input)).toBeUndefined(),
  );
});

describe('chartTargets', () => {
  const now = 1_000_000;
  it('walks back from end (default now) for span points, oldest first', () => {
    expect(chartTargets({ periodSec: 100, nowSec: now }, 50)).toEqual([now]);
    expect(chartTargets({ span: 3, periodSec: 100, nowSec: now }, 50)).toEqual([now - 200, now - 100, now]);
    expect(chartTargets({ end: 5_000, span: 2, periodSec: 100, nowSec: now }, 50)).toEqual([4_900, 5_000]);
  });

  it('walks forward from start up to span, end or now', () => {
    expect(chartTargets({ start: now - 250, periodSec: 100, nowSec: now }, 50)).toEqual([
      now - 250,
      now - 150,
      now - 50,
    ]);
    expect(chartTargets({ start: 1_000, span: 2, periodSec: 100, nowSec: now }, 50)).toEqual([1_000, 1_100]);
    expect(chartTargets({ start: 1_000, end: 1_150, span: 5, periodSec: 100, nowSec: now }, 50)).toEqual([
      1_000, 1_100,
    ]);
    expect(chartTargets({ start: now + 10, periodSec: 100, nowSec: now }, 50)).toEqual([]);
  });

  it('refuses an end before start and more points than allowed, naming the field', () => {
    expect(() => chartTargets({ start: 2_000, end: 1_000, periodSec: 100, nowSec: now }, 50)).toThrow(
      expect.objectContaining({ field: 'end' }),
    );
    expect(() => chartTargets({ span: 51, periodSec: 100, nowSec: now }, 50)).toThrow(
      expect.objectContaining({ field: 'span' }),
    );
    expect(() => chartTargets({ start: 0, periodSec: 100, nowSec: now }, 50)).toThrow(ChartPlanError);
  });
});

describe('protocol cursors', () => {
  it('round-trip', () => {
    const cursor = { sort: 'change_1d' as const, order: 'desc' as const, value: -1.5, id: 'uniswap-v3' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ ...cursor, value: null }))).toEqual({ ...cursor, value: null });
  });

  it('refuse anything this API did not produce', () => {
    const good = encodeCursor({ sort: 'tvl', order: 'desc', value: 5, id: 'aave' });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(decodeCursor(`${good}!`)).toBeUndefined();
    expect(decodeCursor('bm90IGpzb24')).toBeUndefined(); // "not json"
    expect(decodeCursor(b64({ s: 'tvl', o: 'desc', v: 'five', id: 'aave' }))).toBeUndefined(); // wrong value type
    expect(decodeCursor(b64({ s: 'tvl', o: 'desc', v: null, id: 'aave' }))).toBeUndefined(); // tvl is never null
    expect(decodeCursor(b64({ s: 'volume', o: 'desc', v: 1, id: 'aave' }))).toBeUndefined();
    expect(decodeCursor(b64({ s: 'tvl', o: 'desc', v: 1, id: 'aave', extra: 1 }))).toBeUndefined();
  });
});

describe('chain names', () => {
  it('map keys to DefiLlama display names and back, case-insensitively', () => {
    expect(chainName('avax')).toBe('Avalanche');
    expect(chainName('optimism')).toBe('OP Mainnet');
    expect(chainName('some-new-chain')).toBe('some-new-chain');
    expect(chainKeyFromName('Avalanche')).toBe('avax');
    expect(chainKeyFromName('op mainnet')).toBe('optimism');
    expect(chainKeyFromName('BSC')).toBe('bsc');
    expect(chainKeyFromName('Ethereum')).toBe('ethereum');
    expect(chainKeyFromName('Polygon zkEVM')).toBe('polygon_zkevm');
    expect(chainKeyFromName('Some Chain')).toBe('some_chain');
  });
});
