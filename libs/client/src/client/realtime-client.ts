import type {
  ConnectionLimits,
  ServerMessage,
  SystemAnnouncementMessage,
  WelcomeMessage,
} from '@defi-realtime/protocol';
import type { TransportFactory } from '../transport/transport';
import type { ServerMessageParser } from '../wire/parsed-frame';
import { backoffDelay } from './backoff';
import { Connection, type Credentials } from './connection';
import { Emitter } from './emitter';
import { clientError, judgeClose, type CloseFacts, type RealtimeError } from './errors';
import { resolveOptions, type RealtimeClientOptions, type ResolvedOptions } from './options';
import { ConnectionState, SubscriptionState, type StateChange } from './states';
import { Subscription, type SubscribeInit } from './subscription';
import { SubscriptionRouter, type ResumeTicket } from './subscription-router';

/** At most this many channels per subscription (the server's limit per subscribe message). */
export const MAX_CHANNELS_PER_SUBSCRIPTION = 100;
/** Used when `welcome.limits` lacks it. */
const DEFAULT_RECOVERY_WINDOW_MS = 120_000;
/** A connection that stayed up this long starts the backoff over, whatever closed it. */
const STABLE_CONNECTION_MS = 60_000;

export interface ConnectedEvent {
  connectionId: string;
  tier: string | undefined;
  heartbeatMs: number;
  limits: ConnectionLimits;
  /** False for the first connection, true after a reconnect. */
  reconnected: boolean;
}

export interface DisconnectedEvent {
  error: RealtimeError;
  /** The close code (1006 when there was no close frame). */
  code: number;
  /** When the next attempt starts; absent when the client stopped (state `failed`). */
  reconnectInMs?: number;
  /** Consecutive failed attempts so far. */
  attempt: number;
}

export interface ClientEvents {
  state: StateChange<ConnectionState>;
  connected: ConnectedEvent;
  disconnected: DisconnectedEvent;
  /** Every error: connection-level ones, dropped frames, RESUME_FAILED (followed by `since`), the permanent one that failed the client. */
  error: RealtimeError;
  announcement: SystemAnnouncementMessage['data'];
}

/** What differs between the Node and the browser entry. */
export interface Platform {
  parse: ServerMessageParser;
  transport(options: ResolvedOptions): TransportFactory;
}

/**
 * The real-time client: one WebSocket, any number of subscriptions, reconnected and
 * recovered on its own (docs/client.md). This class runs the connection's life; the
 * subscriptions' traffic is the router's. Use the `RealtimeClient` of the Node or the
 * browser entry, which fill in the transport and the frame parser.
 */
export class RealtimeClientBase extends Emitter<ClientEvents> {
  readonly #options: ResolvedOptions;
  readonly #parse: ServerMessageParser;
  readonly #transport: TransportFactory;
  readonly #router: SubscriptionRouter;
  #state = ConnectionState.Idle;
  #error: RealtimeError | undefined;
  #connection: Connection | undefined;
  #welcome: WelcomeMessage | undefined;
  #everConnected = false;
  #connectedAt = 0;
  #resume: ResumeTicket | undefined;
  #retries = 0;
  #tokenRetried = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #waiters: Array<{ resolve: () => void; reject: (err: RealtimeError) => void }> = [];
  readonly #host = { unsubscribe: (subscription: Subscription) => this.#router.remove(subscription) };

  constructor(options: RealtimeClientOptions, platform: Platform) {
    super();
    this.#options = resolveOptions(options);
    this.#parse = platform.parse;
    this.#transport = platform.transport(this.#options);
    this.#router = new SubscriptionRouter({
      minDelayMs: this.#options.minReconnectDelayMs,
      maxDelayMs: this.#options.maxReconnectDelayMs,
      random: this.#options.random,
      onError: (error) => this.emit('error', error),
      onAnnouncement: (message) => this.emit('announcement', message.data),
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The permanent error that stopped the client (state `failed`). */
  get error(): RealtimeError | undefined {
    return this.#error;
  }

  /** The endpoint, completed (`ws(s)://host/v2/realtime`). */
  get url(): string {
    return this.#options.url;
  }

  /** The current connection's id (as the server logs it), while connected. */
  get connectionId(): string | undefined {
    return this.#welcome?.connectionId;
  }

  /** The limits the server applies to this connection, while connected. */
  get limits(): ConnectionLimits | undefined {
    return this.#welcome?.limits;
  }

  /** The live subscriptions. */
  subscriptions(): Subscription[] {
    return [...this.#router.subscriptions];
  }

  /** Start connecting (once); resolves at the first `welcome`, rejects if the client fails or is closed first. */
  connect(): Promise<void> {
    if (this.#state === ConnectionState.Idle) {
      this.#setState(ConnectionState.Connecting);
      this.#open();
    }
    if (this.#state === ConnectionState.Connected) return Promise.resolve();
    if (this.#state === ConnectionState.Closed || this.#state === ConnectionState.Failed)
      return Promise.reject(this.#error ?? clientError('CLIENT_CLOSED'));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Subscribe to channels with one set of filters and options; works before `connect()` too (sent once connected). */
  subscribe(channels: string | readonly string[], init: SubscribeInit = {}): Subscription {
    const list = checkChannels(channels);
    if (this.#state === ConnectionState.Closed || this.#state === ConnectionState.Failed)
      throw this.#error ?? clientError('CLIENT_CLOSED');
    for (const channel of list) {
      const name = channel.toLowerCase();
      for (const other of this.#router.subscriptions) {
        if (
          other._streams.some(
            (s) => s.status !== 'failed' && (s.channel === name || s.requested.toLowerCase() === name),
          )
        ) {
          throw clientError('DUPLICATE_CHANNEL', {
            channel,
            message: `'${channel}' is already subscribed by another subscription: unsubscribe it first, or add the channel there`,
          });
        }
      }
    }
    const subscription = new Subscription(this.#host, list, init);
    this.#router.add(subscription);
    return subscription;
  }

  /** Close the connection and end every subscription (their loops finish). Final. */
  close(): Promise<void> {
    if (this.#state === ConnectionState.Closed || this.#state === ConnectionState.Failed) return Promise.resolve();
    this.#setState(ConnectionState.Closed);
    clearTimeout(this.#reconnectTimer);
    this.#router.endAll(SubscriptionState.Unsubscribed);
    this.#settleWaiters(clientError('CLIENT_CLOSED'));
    const connection = this.#connection;
    this.#connection = undefined;
    this.#welcome = undefined;
    return connection ? connection.close() : Promise.resolve();
  }

  #open(): void {
    const options = this.#options;
    const connection: Connection = new Connection(
      {
        url: options.url,
        credentials: () => this.#credentials(),
        transport: this.#transport,
        parse: this.#parse,
        connectTimeoutMs: options.connectTimeoutMs,
        heartbeatMarginMs: options.heartbeatMarginMs,
      },
      {
        welcome: (message) => this.#onWelcome(connection, message),
        message: (message: ServerMessage) => {
          if (this.#connection === connection) this.#router.handle(message);
        },
        closed: (facts, welcomed) => this.#onClosed(connection, facts, welcomed),
        invalid: (error) => this.emit('error', error),
      },
    );
    this.#connection = connection;
    connection.start();
  }

  async #credentials(): Promise<Credentials> {
    const { apiKey, token, getToken } = this.#options;
    if (apiKey !== undefined) return { apiKey };
    if (token !== undefined) return { token };
    const fresh = await (getToken as () => string | Promise<string>)();
    if (typeof fresh !== 'string' || fresh === '') throw new TypeError('getToken() must return a non-empty string');
    return { token: fresh };
  }

  #onWelcome(connection: Connection, welcome: WelcomeMessage): void {
    if (this.#connection !== connection) return;
    this.#welcome = welcome;
    this.#connectedAt = Date.now();
    this.#tokenRetried = false;
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    this.#setState(ConnectionState.Connected);
    this.emit('connected', {
      connectionId: welcome.connectionId,
      tier: welcome.tier,
      heartbeatMs: welcome.heartbeatMs,
      limits: welcome.limits,
      reconnected,
    });
    this.#settleWaiters();
    const ticket = this.#resume;
    this.#resume = undefined;
    this.#router.attach(connection, welcome, ticket);
  }

  #onClosed(connection: Connection, facts: CloseFacts, welcomed: boolean): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    const verdict = judgeClose(facts);
    if (welcomed && this.#welcome) {
      const windowMs = this.#welcome.limits.recoveryWindowMs ?? DEFAULT_RECOVERY_WINDOW_MS;
      this.#resume = verdict.resumable ? { token: this.#welcome.resumeToken, at: Date.now(), windowMs } : undefined;
      // "Slow down" closes (4008, 4029, ...) keep the backoff growing, unless they come after a long healthy stretch.
      if (!verdict.penalty || Date.now() - this.#connectedAt >= STABLE_CONNECTION_MS) this.#retries = 0;
    }
    this.#welcome = undefined;
    this.#router.detach();
    const error = verdict.error;
    if (!error.temporary && error.code === 'UNAUTHORIZED' && this.#options.getToken && !this.#tokenRetried) {
      // A JWT may simply have expired: one more attempt with a fresh one before giving up.
      this.#tokenRetried = true;
      return this.#scheduleReconnect(error, facts.code, 0);
    }
    if (!error.temporary || !this.#options.reconnect) return this.#fail(error, facts.code);
    const delay = Math.max(
      verdict.minDelayMs,
      backoffDelay(
        this.#retries,
        this.#options.minReconnectDelayMs,
        this.#options.maxReconnectDelayMs,
        this.#options.random,
      ),
    );
    this.#retries++;
    this.#scheduleReconnect(error, facts.code, delay);
  }

  #scheduleReconnect(error: RealtimeError, code: number, delay: number): void {
    this.#setState(this.#everConnected ? ConnectionState.Reconnecting : ConnectionState.Connecting, error);
    this.emit('disconnected', { error, code, reconnectInMs: delay, attempt: this.#retries });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#open();
    }, delay);
  }

  #fail(error: RealtimeError, code: number): void {
    this.#error = error;
    clearTimeout(this.#reconnectTimer);
    this.#setState(ConnectionState.Failed, error);
    this.emit('disconnected', { error, code, attempt: this.#retries });
    this.emit('error', error);
    this.#router.endAll(SubscriptionState.Failed, error);
    this.#settleWaiters(error);
  }

  /** The one place the connection state changes. */
  #setState(state: ConnectionState, error?: RealtimeError): void {
    const old = this.#state;
    if (old === state) return;
    this.#state = state;
    this.emit('state', error ? { old, new: state, error } : { old, new: state });
  }

  #settleWaiters(error?: RealtimeError): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}

function checkChannels(channels: string | readonly string[]): string[] {
  const list = typeof channels === 'string' ? [channels] : channels;
  if (!Array.isArray(list) || list.length === 0 || list.some((c) => typeof c !== 'string' || c === '')) {
    throw new TypeError(
      'subscribe() takes a channel name or a non-empty array of channel names (e.g. "prices", "token:coingecko:ethereum")',
    );
  }
  const unique = [...new Map(list.map((c: string) => [c.toLowerCase(), c])).values()];
  if (unique.length > MAX_CHANNELS_PER_SUBSCRIPTION) {
    throw new TypeError(
      `subscribe() takes at most ${MAX_CHANNELS_PER_SUBSCRIPTION} channels per subscription (got ${unique.length}): split them over several`,
    );
  }
  return unique;
}
