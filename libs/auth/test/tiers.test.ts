import { AuthError, DEFAULT_TIER_LIMITS, isTierName, resolveTierLimits, TIER_NAMES } from '../src/index';

describe('tiers', () => {
  it('has the limits of DESIGN section 3 and the brief, each tier 10x the one below', () => {
    expect(TIER_NAMES).toEqual(['free', 'pro', 'enterprise']);
    expect(DEFAULT_TIER_LIMITS.free).toEqual({
      maxConnectionsPerKey: 10,
      maxChannelsPerConnection: 50,
      subscriptionChangesPerMinute: 10,
      messagesPerMinute: 1_000,
      restRequestsPerMinute: 60,
      maxAlertRules: 10,
    });
    for (const [lower, upper] of [
      ['free', 'pro'],
      ['pro', 'enterprise'],
    ] as const) {
      for (const [field, value] of Object.entries(DEFAULT_TIER_LIMITS[lower])) {
        expect([field, DEFAULT_TIER_LIMITS[upper][field as keyof typeof DEFAULT_TIER_LIMITS.free]]).toEqual([
          field,
          value * 10,
        ]);
      }
    }
  });

  it('is frozen all the way down', () => {
    expect(Object.isFrozen(DEFAULT_TIER_LIMITS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_TIER_LIMITS.pro)).toBe(true);
  });

  it('merges a JSON override field by field and keeps the rest', () => {
    const tiers = resolveTierLimits('{"free":{"maxConnectionsPerKey":5},"enterprise":{"maxAlertRules":0}}');
    expect(tiers.free).toEqual({ ...DEFAULT_TIER_LIMITS.free, maxConnectionsPerKey: 5 });
    expect(tiers.pro).toEqual(DEFAULT_TIER_LIMITS.pro);
    expect(tiers.enterprise.maxAlertRules).toBe(0);
    expect(Object.isFrozen(tiers.free)).toBe(true);
    expect(resolveTierLimits({ pro: { messagesPerMinute: 1 } }).pro.messagesPerMinute).toBe(1);
    expect(resolveTierLimits('')).toBe(DEFAULT_TIER_LIMITS);
    expect(resolveTierLimits(undefined)).toBe(DEFAULT_TIER_LIMITS);
  });

  it.each([
    ['{"free":{"maxConnectionsPerKey":-1}}', /free\.maxConnectionsPerKey: expected a whole number >= 0/],
    ['{"free":{"maxConnectionsPerKey":"5"}}', /free\.maxConnectionsPerKey: expected a whole number >= 0/],
    ['{"pro":{"maxConections":5}}', /pro\.maxConections: unknown, expected a limit \(maxConnectionsPerKey/],
    ['{"gold":{}}', /gold: unknown, expected a tier \(free, pro, enterprise\)/],
    ['{"free":', /TIER_LIMITS: not JSON/],
    ['[1]', /TIER_LIMITS: .*\(root\)/],
  ])('names the bad field in %s', (json, message) => {
    let error: unknown;
    try {
      resolveTierLimits(json, 'TIER_LIMITS');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'INVALID_TIER_LIMITS', message: expect.stringMatching(message) });
  });

  it('tells tier names apart', () => {
    expect(isTierName('pro')).toBe(true);
    expect(isTierName('gold')).toBe(false);
    expect(isTierName(undefined)).toBe(false);
  });
});
