import { backoffDelay } from './backoff';

describe('backoffDelay (capped exponential, full jitter)', () => {
  it('draws from 0 up to min * 2^attempt', () => {
    expect(backoffDelay(0, 500, 20_000, () => 0)).toBe(0);
    expect(backoffDelay(0, 500, 20_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 20_000, () => 0.5)).toBe(2_000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(6, 500, 20_000, () => 0.999)).toBe(19_980);
    expect(backoffDelay(1_000, 500, 20_000, () => 0.999)).toBe(19_980);
  });

  it('spreads delays over the whole interval', () => {
    const delays = Array.from({ length: 2_000 }, () => backoffDelay(4, 100, 10_000));
    expect(Math.min(...delays)).toBeLessThan(200);
    expect(Math.max(...delays)).toBeGreaterThan(1_400);
    expect(Math.max(...delays)).toBeLessThan(1_600);
  });
});
