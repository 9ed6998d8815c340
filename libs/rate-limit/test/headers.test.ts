import { rateLimitHeaders } from '../src/index';

describe('rateLimitHeaders', () => {
  it('gives limit, remaining and reset in whole seconds (rounded up) when allowed', () => {
    const headers = rateLimitHeaders({ allowed: true, remaining: 59, resetMs: 42_100, retryAfterMs: 0 }, 60);
    expect(headers).toEqual({ 'RateLimit-Limit': '60', 'RateLimit-Remaining': '59', 'RateLimit-Reset': '43' });
  });

  it('adds Retry-After when refused, never 0', () => {
    expect(rateLimitHeaders({ allowed: false, remaining: 0, resetMs: 12_001, retryAfterMs: 12_001 }, 60)).toMatchObject(
      {
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': '13',
        'Retry-After': '13',
      },
    );
    expect(rateLimitHeaders({ allowed: false, remaining: 0, resetMs: 0, retryAfterMs: 0 }, 60)['Retry-After']).toBe(
      '1',
    );
  });

  it('describes the policy when given the window', () => {
    expect(
      rateLimitHeaders({ allowed: true, remaining: 1, resetMs: 1, retryAfterMs: 0 }, 600, 60_000)['RateLimit-Policy'],
    ).toBe('600;w=60');
  });
});
