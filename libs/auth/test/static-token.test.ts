import { staticBearerMatches, staticTokenEquals } from '../src/index';

const TOKEN = 'ingest-token-for-tests-0123456789';

describe('staticTokenEquals', () => {
  it('accepts exactly the expected token', () => {
    expect(staticTokenEquals(TOKEN, TOKEN)).toBe(true);
    expect(staticTokenEquals(`${TOKEN}`.slice(0), TOKEN)).toBe(true);
  });

  it.each([
    ['a different token of the same length', TOKEN.replace(/9$/, '8')],
    ['a prefix of it', TOKEN.slice(0, -1)],
    ['it with more after', `${TOKEN}x`],
    ['an empty string', ''],
    ['nothing', undefined],
    ['another case', TOKEN.toUpperCase()],
  ])('refuses %s without throwing on a length difference', (_what, given) => {
    expect(staticTokenEquals(given, TOKEN)).toBe(false);
  });

  it('refuses to compare against an empty expected token (an unset token must disable the endpoint)', () => {
    expect(() => staticTokenEquals('', '')).toThrow(TypeError);
  });
});

describe('staticBearerMatches', () => {
  it.each<[string, Record<string, string | string[] | undefined>, boolean]>([
    ['Bearer <token>', { authorization: `Bearer ${TOKEN}` }, true],
    ['the scheme in any case', { authorization: `bearer ${TOKEN}` }, true],
    ['the first of a repeated header', { authorization: [`Bearer ${TOKEN}`, 'Bearer other'] }, true],
    ['a wrong token', { authorization: 'Bearer nope' }, false],
    ['the token without the scheme', { authorization: TOKEN }, false],
    ['another scheme', { authorization: `Basic ${TOKEN}` }, false],
    ['no header', {}, false],
    ['the token in x-api-key', { 'x-api-key': TOKEN }, false],
  ])('%s -> %s', (_what, headers, expected) => {
    expect(staticBearerMatches(headers, TOKEN)).toBe(expected);
  });
});
