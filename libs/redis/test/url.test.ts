import { ACCEPTED_URL_FORMS, parseRedisUrl, redactRedisUrl } from '../src/url';

describe('parseRedisUrl', () => {
  it('reads a standalone URL with credentials and db', () => {
    expect(parseRedisUrl('redis://user:p%40ss@cache.local:6380/2')).toEqual({
      mode: 'standalone',
      tls: false,
      host: 'cache.local',
      port: 6380,
      db: 2,
      username: 'user',
      password: 'p@ss',
    });
  });

  it('defaults port and db, and reads a password without user', () => {
    expect(parseRedisUrl('rediss://:secret@10.0.0.1')).toEqual({
      mode: 'standalone',
      tls: true,
      host: '10.0.0.1',
      port: 6379,
      db: 0,
      password: 'secret',
    });
  });

  it('reads IPv6 hosts', () => {
    expect(parseRedisUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
  });

  it('reads a cluster URL', () => {
    expect(parseRedisUrl('redis+cluster://a:7000,b:7001,c')).toEqual({
      mode: 'cluster',
      tls: false,
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
        { host: 'c', port: 6379 },
      ],
    });
    expect(parseRedisUrl('rediss+cluster://x:1')).toMatchObject({ mode: 'cluster', tls: true });
  });

  it('reads a sentinel URL with master name and db', () => {
    expect(parseRedisUrl('redis+sentinel://:pw@s1:26379,s2/mymaster/3')).toEqual({
      mode: 'sentinel',
      tls: false,
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      db: 3,
      password: 'pw',
    });
  });

  it.each([
    ['http://localhost:6379', 'unknown scheme'],
    ['localhost:6379', 'not a URL'],
    ['redis://', 'exactly one host'],
    ['redis://a:1,b:2', 'exactly one host'],
    ['redis://host:99999', 'out of range'],
    ['redis://host/abc', 'not a number'],
    ['redis://host/1/2', 'only the db number'],
    ['redis+cluster://a:1/0', 'no path'],
    ['redis+sentinel://s1:26379', '/<masterName>[/db]'],
    ['redis+sentinel://s1/m/x', 'not a number'],
    ['redis://ho st:1', 'not host[:port]'],
  ])('rejects %s with a TypeError naming the URL and the accepted forms', (url, reason) => {
    const error = catchError(() => parseRedisUrl(url));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(url);
    expect(error.message).toContain(reason);
    for (const form of ACCEPTED_URL_FORMS) expect(error.message).toContain(form);
  });

  it('never puts the password in the error message', () => {
    const error = catchError(() => parseRedisUrl('redis://u:hunter2@host/notadb'));
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('redis://u:***@host/notadb');
  });
});

describe('redactRedisUrl', () => {
  it('masks only the password', () => {
    expect(redactRedisUrl('redis://u:pw@h:1/0')).toBe('redis://u:***@h:1/0');
    expect(redactRedisUrl('redis://:pw@h')).toBe('redis://:***@h');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
