import { DEFAULT_RETRY_SCHEDULE, nextRetryDelay, parseRetrySchedule } from './retry-schedule';

describe('retry schedule', () => {
  it('parses the default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h', () => {
    expect(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000,
    ]);
  });

  it('accepts ms, s, m, h, d, decimals and bare milliseconds', () => {
    expect(parseRetrySchedule('0, 100ms,1.5s,2m,1h,1d,250')).toEqual([
      0, 100, 1_500, 120_000, 3_600_000, 86_400_000, 250,
    ]);
  });

  it.each([
    ['', 'empty entry'],
    ['0,,5s', 'empty entry'],
    ['0,5x', "got '5x'"],
    ['-1', "got '-1'"],
    ['8d', 'at most 7d'],
    [Array(31).fill('1s').join(','), 'at most 30 attempts'],
  ])('refuses %j', (text, problem) => {
    expect(() => parseRetrySchedule(text)).toThrow(problem);
  });

  it('gives the delay after n attempts with +-10 % jitter, and undefined once exhausted', () => {
    const schedule = [0, 1_000, 60_000];
    expect(nextRetryDelay(schedule, 1, () => 0)).toBe(900);
    expect(nextRetryDelay(schedule, 1, () => 0.5)).toBe(1_000);
    expect(nextRetryDelay(schedule, 1, () => 1)).toBe(1_100);
    expect(nextRetryDelay(schedule, 2, () => 0)).toBe(54_000);
    expect(nextRetryDelay(schedule, 3)).toBeUndefined();
    for (let i = 0; i < 100; i++) {
      const delay = nextRetryDelay(schedule, 2) as number;
      expect(delay).toBeGreaterThanOrEqual(54_000);
      expect(delay).toBeLessThanOrEqual(66_000);
    }
  });
});
