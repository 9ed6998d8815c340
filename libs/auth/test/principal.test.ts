import { DEFAULT_TIER_LIMITS, principalMayUse, type Principal } from '../src/index';

const base: Principal = { id: 'u1', owner: 'u1', tier: 'free', limits: DEFAULT_TIER_LIMITS.free, via: 'jwt' };

describe('principalMayUse', () => {
  it('allows every channel without allowedChannels', () => {
    expect(principalMayUse(base, 'prices')).toBe(true);
    expect(principalMayUse(base, 'token:coingecko:ethereum')).toBe(true);
  });

  it('matches exact names and prefixes ending in *', () => {
    const p: Principal = { ...base, allowedChannels: ['prices', 'token:*', 'protocol:uniswap-v3*'] };
    expect(principalMayUse(p, 'prices')).toBe(true);
    expect(principalMayUse(p, 'token:coingecko:ethereum')).toBe(true);
    expect(principalMayUse(p, 'protocol:uniswap-v3:ethereum')).toBe(true);
    expect(principalMayUse(p, 'tvl')).toBe(false);
    expect(principalMayUse(p, 'prices-x')).toBe(false);
    expect(principalMayUse(p, 'protocol:aave')).toBe(false);
  });

  it('allows nothing with an empty list, everything with *', () => {
    expect(principalMayUse({ ...base, allowedChannels: [] }, 'prices')).toBe(false);
    expect(principalMayUse({ ...base, allowedChannels: ['*'] }, 'alerts')).toBe(true);
  });
});
