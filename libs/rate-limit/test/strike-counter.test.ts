import { StrikeCounter } from '../src/index';

describe('StrikeCounter', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('tolerates maxStrikes violations in the window and flags the next one', () => {
    const strikes = new StrikeCounter({ maxStrikes: 3, windowMs: 10_000, now: clock });
    const verdicts = [];
    for (let i = 0; i < 4; i++) {
      verdicts.push(strikes.strike());
      now += 1_000;
    }
    expect(verdicts).toEqual([false, false, false, true]);
    expect(strikes.count).toBe(4 - 1); // the ring keeps the last maxStrikes
  });

  it('forgets violations older than the window (sliding, not fixed)', () => {
    const strikes = new StrikeCounter({ maxStrikes: 2, windowMs: 10_000, now: clock });
    expect(strikes.strike()).toBe(false); // t=0
    now += 6_000;
    expect(strikes.strike()).toBe(false); // t=6
    now += 5_000;
    expect(strikes.strike()).toBe(false); // t=11: the first fell out, 2 in the last 10 s
    now += 1_000;
    expect(strikes.strike()).toBe(true); // t=12: 6, 11, 12
    expect(strikes.count).toBe(2);
  });

  it('spaced-out violations never add up to a close', () => {
    const strikes = new StrikeCounter({ maxStrikes: 1, windowMs: 1_000, now: clock });
    for (let i = 0; i < 20; i++) {
      expect(strikes.strike()).toBe(false);
      now += 1_000;
    }
  });

  it('reset forgets everything; maxStrikes 0 flags the first violation', () => {
    const strikes = new StrikeCounter({ maxStrikes: 1, windowMs: 1_000, now: clock });
    strikes.strike();
    strikes.reset();
    expect(strikes.count).toBe(0);
    expect(strikes.strike()).toBe(false);
    expect(new StrikeCounter({ maxStrikes: 0 }).strike()).toBe(true);
  });

  it('defaults to 5 violations a minute and validates options', () => {
    const strikes = new StrikeCounter();
    expect([strikes.maxStrikes, strikes.windowMs]).toEqual([5, 60_000]);
    expect(() => new StrikeCounter({ maxStrikes: -1 })).toThrow(/maxStrikes/);
    expect(() => new StrikeCounter({ windowMs: 0 })).toThrow(/windowMs/);
  });
});
