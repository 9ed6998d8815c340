import { percentile, ratio, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('returns the sample at the rank, never an interpolated value', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
  });

  it('puts a single slow sample in p99 only when there are fewer than 100 samples', () => {
    const fifty = [...Array.from({ length: 49 }, () => 1), 500];
    expect(percentile(fifty, 99)).toBe(500);
    const twoHundred = [...Array.from({ length: 199 }, () => 1), 500];
    expect(percentile(twoHundred, 99)).toBe(1);
  });

  it('is NaN without samples and refuses a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts numerically (not as strings) without touching the input', () => {
    const samples = [100, 9, 25, 3];
    const summary = summarize(samples);
    expect(summary).toEqual({ count: 4, p50: 9, p95: 100, p99: 100, max: 100, mean: 34.25 });
    expect(samples).toEqual([100, 9, 25, 3]);
  });

  it('gives NaN figures for no samples', () => {
    expect(summarize([])).toMatchObject({ count: 0, p50: Number.NaN, max: Number.NaN, mean: Number.NaN });
  });
});

describe('ratio', () => {
  it('divides, and is NaN when either side is missing or the base is zero', () => {
    expect(ratio(33, 30)).toBeCloseTo(1.1);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(undefined, 1)).toBeNaN();
    expect(ratio(1, Number.NaN)).toBeNaN();
  });
});
