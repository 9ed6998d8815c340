import type { IncomingMessage } from 'node:http';
import { rewriteCredentialsOutOfUrl } from '../../src/http/auth/credentials';
import { cacheKey } from '../../src/http/cache/cache-key';
import { etagOf, ifNoneMatchMatches } from '../../src/http/cache/etag';
import { cacheTags } from '../../src/http/cache/response-cache';

const KEY = `drt_${'a1B2'.repeat(8)}`;
const rewrite = (url: string) => {
  const req = { url } as IncomingMessage & { originalUrl?: string };
  return { url: rewriteCredentialsOutOfUrl(req), originalUrl: req.originalUrl };
};

describe('rewriteCredentialsOutOfUrl', () => {
  it.each([
    [`/${KEY}/protocols`, '/protocols'],
    [`/${KEY}/api/protocols`, '/protocols'],
    [
      `/${KEY}/api/prices/current/coingecko:ethereum?searchWidth=4h`,
      '/prices/current/coingecko:ethereum?searchWidth=4h',
    ],
    [`/${KEY}`, '/'],
    [`/${KEY}/api`, '/'],
    [`/protocols?apiKey=${KEY}`, '/protocols'],
    [`/v2/query/protocols?chain=ethereum&apiKey=${KEY}&limit=5`, '/v2/query/protocols?chain=ethereum&limit=5'],
    ['/drt_malformed/protocols', '/protocols'],
  ])('takes the key out of %s -> %s, also from originalUrl', (url, expected) => {
    const result = rewrite(url);
    expect(result.url).toBe(expected);
    expect(result.originalUrl).toBe(expected);
  });

  it.each([
    '/protocols',
    '/api/protocols',
    '/prices/current/coingecko:ethereum,ethereum:0xabc?searchWidth=600',
    '/healthz',
  ])('leaves %s as sent', (url) => {
    expect(rewrite(url).url).toBe(url);
  });
});

describe('cacheKey', () => {
  it('sorts query parameters and drops apiKey, so equivalent requests share an entry', () => {
    expect(cacheKey('GET', '/v2/query/protocols?sort=tvl&chain=ethereum')).toBe(
      cacheKey('GET', '/v2/query/protocols?chain=ethereum&sort=tvl'),
    );
    expect(cacheKey('GET', `/protocols?apiKey=${KEY}`)).toBe(cacheKey('GET', '/protocols'));
    expect(cacheKey('GET', '/protocols?chain=a')).not.toBe(cacheKey('GET', '/protocols?chain=b'));
    expect(cacheKey('GET', '/tvl/aave')).not.toBe(cacheKey('HEAD', '/tvl/aave'));
  });
});

describe('cacheTags', () => {
  it('adds *, removes duplicates and sorts', () => {
    expect(cacheTags(['prices', 'price:b', 'price:a', 'prices'])).toEqual(['*', 'price:a', 'price:b', 'prices']);
  });
});

describe('ETags', () => {
  const etag = etagOf('{"a":1}');

  it('is a quoted hash of the body: equal bodies, equal tags', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(etagOf('{"a":1}')).toBe(etag);
    expect(etagOf('{"a":2}')).not.toBe(etag);
  });

  it.each([
    [etag, true],
    [`W/${etag}`, true],
    [`"other", ${etag}`, true],
    ['*', true],
    ['"other"', false],
    [undefined, false],
  ])('If-None-Match %s matches: %s', (header, expected) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(expected);
  });
});
