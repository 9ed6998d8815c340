import { CLIENT_DEFAULTS, normalizeUrl, resolveOptions } from './options';

describe('client options', () => {
  it('applies the defaults and freezes the result', () => {
    const options = resolveOptions({ url: 'wss://api.example.com/v2/realtime', apiKey: 'drt_x' });
    expect(options).toMatchObject({ ...CLIENT_DEFAULTS, url: 'wss://api.example.com/v2/realtime', apiKey: 'drt_x' });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('completes URLs: http(s) to ws(s), and the endpoint path when there is none', () => {
    expect(normalizeUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/v2/realtime');
    expect(normalizeUrl('https://api.example.com/')).toBe('wss://api.example.com/v2/realtime');
    expect(normalizeUrl('ws://h:1/custom/path?x=1')).toBe('ws://h:1/custom/path?x=1');
  });

  it('refuses impossible combinations at once, naming the option', () => {
    expect(() => resolveOptions({ url: 'ws://h' })).toThrow(
      /exactly one of the options apiKey, token or getToken \(got none\)/,
    );
    expect(() => resolveOptions({ url: 'ws://h', apiKey: 'k', token: 't' })).toThrow(/exactly one.*\(got 2\)/);
    expect(() => resolveOptions({ url: 'ftp://h', apiKey: 'k' })).toThrow(/Invalid url option "ftp:\/\/h"/);
    expect(() => resolveOptions({ url: 'not a url', apiKey: 'k' })).toThrow(TypeError);
    expect(() =>
      resolveOptions({ url: 'ws://h', apiKey: 'k', minReconnectDelayMs: 5_000, maxReconnectDelayMs: 100 }),
    ).toThrow(/minReconnectDelayMs \(5000\) must not exceed maxReconnectDelayMs \(100\)/);
    expect(() => resolveOptions({ url: 'ws://h', apiKey: 'k', heartbeatMarginMs: -1 })).toThrow(
      /Invalid heartbeatMarginMs option -1/,
    );
    expect(() => resolveOptions({ url: 'ws://h', getToken: 'abc' as never })).toThrow(/Invalid getToken option/);
  });
});
