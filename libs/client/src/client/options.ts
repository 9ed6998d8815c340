import type { TransportFactory } from '../transport/transport';

/** The endpoint path, appended when the URL names only a host. */
export const REALTIME_PATH = '/v2/realtime';

/** What `new RealtimeClient()` and `connect()` take. Give exactly one of `apiKey`, `token`, `getToken`. */
export interface RealtimeClientOptions {
  /**
   * The gateway: `wss://host/v2/realtime`. `http(s)://` becomes `ws(s)://`, and a URL
   * with no path gets `/v2/realtime`.
   */
  url: string;
  /** An API key (`drt_...`). Sent in an `authenticate` message, never in the URL (which proxies log). */
  apiKey?: string;
  /** A JWT, for browsers. It is reused on every reconnect: prefer `getToken` for short-lived tokens. */
  token?: string;
  /** Called before every connection attempt for a fresh JWT; after an UNAUTHORIZED it is called once more before giving up. */
  getToken?: () => string | Promise<string>;
  /**
   * Reconnect when the connection is lost (temporary errors only; permanent ones always stop).
   * @default true
   */
  reconnect?: boolean;
  /**
   * The first reconnect waits up to this long (full jitter: a random delay from 0 to it).
   * @default 500
   */
  minReconnectDelayMs?: number;
  /**
   * The cap of the doubling reconnect delay.
   * @default 20000
   */
  maxReconnectDelayMs?: number;
  /**
   * Time for one attempt to open the socket and get `welcome`; past it the attempt is dropped and retried.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Silence tolerated on top of two heartbeat intervals (`welcome.heartbeatMs`) before the
   * connection is declared dead, closed and reopened. The client sends a `ping` after one
   * silent interval, so a live server always answers well within it.
   * @default 5000
   */
  heartbeatMarginMs?: number;
  /**
   * The WebSocket constructor for platforms without a global one (browser entry only).
   * @default globalThis.WebSocket
   */
  WebSocket?: new (url: string) => unknown;
  /**
   * Replaces the transport (tests, custom environments).
   * @default ws in Node, the global WebSocket elsewhere
   */
  transport?: TransportFactory;
  /**
   * The random source of the jitter (tests).
   * @default Math.random
   */
  random?: () => number;
}

/** Every option with its default applied; frozen. */
export type ResolvedOptions = Readonly<
  Required<
    Pick<
      RealtimeClientOptions,
      'reconnect' | 'minReconnectDelayMs' | 'maxReconnectDelayMs' | 'connectTimeoutMs' | 'heartbeatMarginMs' | 'random'
    >
  > &
    Pick<RealtimeClientOptions, 'apiKey' | 'token' | 'getToken' | 'WebSocket' | 'transport'> & { url: string }
>;

/** The defaults, in one place. */
export const CLIENT_DEFAULTS = Object.freeze({
  reconnect: true,
  minReconnectDelayMs: 500,
  maxReconnectDelayMs: 20_000,
  connectTimeoutMs: 10_000,
  heartbeatMarginMs: 5_000,
  random: Math.random,
});

/** Apply the defaults and refuse impossible combinations at once, naming the option. */
export function resolveOptions(options: RealtimeClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(
      'RealtimeClient options must be an object with at least url and apiKey (or token, or getToken)',
    );
  const resolved = { ...CLIENT_DEFAULTS, ...stripUndefined(options), url: normalizeUrl(options.url) };
  const credentials = [options.apiKey, options.token, options.getToken].filter((c) => c !== undefined).length;
  if (credentials !== 1) {
    throw new TypeError(
      `Give exactly one of the options apiKey, token or getToken (got ${credentials === 0 ? 'none' : credentials})`,
    );
  }
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === ''))
    throw new TypeError('Invalid apiKey option: expected a non-empty string');
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === ''))
    throw new TypeError('Invalid token option: expected a non-empty string');
  if (options.getToken !== undefined && typeof options.getToken !== 'function')
    throw new TypeError('Invalid getToken option: expected a function returning a JWT');
  for (const name of ['minReconnectDelayMs', 'maxReconnectDelayMs', 'connectTimeoutMs', 'heartbeatMarginMs'] as const) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value >= 0))
      throw new TypeError(`Invalid ${name} option ${String(value)}: expected a number of ms >= 0`);
  }
  if (resolved.minReconnectDelayMs > resolved.maxReconnectDelayMs) {
    throw new TypeError(
      `minReconnectDelayMs (${resolved.minReconnectDelayMs}) must not exceed maxReconnectDelayMs (${resolved.maxReconnectDelayMs})`,
    );
  }
  if (resolved.connectTimeoutMs === 0) throw new TypeError('Invalid connectTimeoutMs option 0: expected ms > 0');
  return Object.freeze(resolved);
}

/** `http(s)` -> `ws(s)`, and the endpoint path when the URL has none. */
export function normalizeUrl(input: unknown): string {
  if (typeof input !== 'string' || input === '')
    throw new TypeError('Invalid url option: expected a ws://, wss://, http:// or https:// URL');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError(`Invalid url option ${JSON.stringify(input)}: expected a URL such as wss://host/v2/realtime`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new TypeError(`Invalid url option ${JSON.stringify(input)}: expected ws:, wss:, http: or https:`);
  if (url.pathname === '' || url.pathname === '/') url.pathname = REALTIME_PATH;
  return url.toString();
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
