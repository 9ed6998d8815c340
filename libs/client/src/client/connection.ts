import type { ServerMessage, WelcomeMessage } from '@defi-realtime/protocol';
import type { Transport, TransportClose, TransportFactory } from '../transport/transport';
import type { ServerMessageParser } from '../wire/parsed-frame';
import { RealtimeError, clientError, type CloseFacts } from './errors';

/** What a connection authenticates with. */
export type Credentials = { apiKey: string } | { token: string };

export interface ConnectionSettings {
  url: string;
  credentials: () => Promise<Credentials>;
  transport: TransportFactory;
  parse: ServerMessageParser;
  connectTimeoutMs: number;
  heartbeatMarginMs: number;
}

export interface ConnectionHandlers {
  welcome(message: WelcomeMessage): void;
  message(message: ServerMessage): void;
  /** Called once. `welcomed`: the connection got as far as `welcome`. */
  closed(facts: CloseFacts, welcomed: boolean): void;
  /** A frame that failed the boundary check (dropped). */
  invalid(error: RealtimeError): void;
}

/** Used when the server's welcome omits it. */
const DEFAULT_MAX_MESSAGE_BYTES = 65_536;

/**
 * One WebSocket connection from opening to close: authenticate, wait for `welcome`
 * (within connectTimeoutMs), then keep a watchdog: after one silent heartbeat interval
 * send a `ping`; after two intervals plus the margin, drop the connection. Reconnecting
 * is the client's business: a Connection is used once.
 */
export class Connection {
  #transport: Transport | undefined;
  #done = false;
  #welcome: WelcomeMessage | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;
  #lastPing = 0;
  #serverError: { code: string; message: string } | undefined;
  #onTransportClosed: (() => void) | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly handlers: ConnectionHandlers,
  ) {}

  /** The server's welcome, once received. */
  get welcome(): WelcomeMessage | undefined {
    return this.#welcome;
  }

  /** Open, then authenticate. */
  start(): void {
    this.#timer = setTimeout(() => this.#drop(clientError('CONNECT_TIMEOUT')), this.settings.connectTimeoutMs);
    this.settings.credentials().then(
      (credentials) => this.#open(credentials),
      (err: unknown) =>
        this.#drop(clientError('TOKEN_ERROR', { message: `getToken() failed: ${describe(err)}`, cause: err })),
    );
  }

  /** Send one message; throws MESSAGE_TOO_LARGE rather than have the server close the connection over it. */
  send(message: object): void {
    if (this.#done || !this.#transport) return;
    const text = JSON.stringify(message);
    const limit = this.#welcome?.limits.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (text.length * 3 > limit && new TextEncoder().encode(text).length > limit) {
      throw new RealtimeError(
        'MESSAGE_TOO_LARGE',
        `the message is larger than the server's ${limit} bytes: split it (fewer channels or filter entries per subscribe)`,
        { temporary: false },
      );
    }
    this.#transport.send(text);
  }

  /** Close on purpose (close frame 1000); resolves once the socket is closed, 1 s at most. */
  close(): Promise<void> {
    if (this.#done) return Promise.resolve();
    const transport = this.#transport;
    this.#finish({ code: 1000, reason: 'client closed', local: clientError('CLIENT_CLOSED') });
    if (!transport) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        transport.terminate();
        resolve();
      }, 1_000);
      this.#onTransportClosed = () => {
        clearTimeout(timer);
        resolve();
      };
      transport.close(1000, 'client closed');
    });
  }

  /** Drop the connection at once (dead peer, timeout) and report `error` as the reason. */
  #drop(error: RealtimeError): void {
    if (this.#done) return;
    this.#transport?.terminate();
    this.#finish({ code: 1006, reason: '', local: error });
  }

  #open(credentials: Credentials): void {
    if (this.#done) return;
    this.#transport = this.settings.transport(this.settings.url, {
      open: () => this.#transport?.send(JSON.stringify({ type: 'authenticate', ...credentials })),
      message: (text) => this.#onText(text),
      alive: () => {
        this.#lastHeard = Date.now();
      },
      close: (info) => this.#onClose(info),
    });
  }

  #onText(text: string): void {
    if (this.#done) return;
    this.#lastHeard = Date.now();
    const parsed = this.settings.parse(text);
    if (!parsed.ok) {
      if (parsed.error)
        this.handlers.invalid(
          clientError('INVALID_MESSAGE', { message: `dropped a frame from the server: ${parsed.error}` }),
        );
      return;
    }
    const message = parsed.message;
    if (message.type === 'welcome') {
      if (this.#welcome) return;
      this.#welcome = message;
      clearTimeout(this.#timer);
      this.#startWatchdog(message.heartbeatMs);
      this.handlers.welcome(message);
      return;
    }
    // An error without an id is about the connection: it names the reason of the close that follows.
    if (message.type === 'error' && message.id === undefined)
      this.#serverError = { code: message.code, message: message.message };
    this.handlers.message(message);
  }

  #onClose(info: TransportClose): void {
    this.#onTransportClosed?.();
    if (this.#done) return;
    const facts: CloseFacts = { code: info.code, reason: info.reason };
    if (this.#serverError) facts.serverError = this.#serverError;
    if (info.http) facts.http = info.http;
    else if (!this.#welcome && info.code === 1006 && info.cause !== undefined) {
      facts.local = clientError('CONNECT_FAILED', {
        message: `could not connect to ${this.settings.url}: ${describe(info.cause)}`,
        cause: info.cause,
      });
    }
    this.#finish(facts);
  }

  #startWatchdog(heartbeatMs: number): void {
    const deadline = heartbeatMs * 2 + this.settings.heartbeatMarginMs;
    this.#lastHeard = Date.now();
    this.#watchdog = setInterval(
      () => {
        const now = Date.now();
        const silent = now - this.#lastHeard;
        if (silent >= deadline)
          return this.#drop(
            clientError('HEARTBEAT_TIMEOUT', {
              message: `nothing heard from the server for ${silent} ms (heartbeat ${heartbeatMs} ms)`,
            }),
          );
        // Browsers never see the server's WebSocket pings: ask for a pong after one quiet interval.
        if (silent >= heartbeatMs && this.#lastPing <= this.#lastHeard) {
          this.#lastPing = now;
          this.#transport?.send(JSON.stringify({ type: 'ping' }));
        }
      },
      Math.max(20, Math.min(heartbeatMs, this.settings.heartbeatMarginMs) / 4),
    );
  }

  #finish(facts: CloseFacts): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    clearInterval(this.#watchdog);
    this.handlers.closed(facts, this.#welcome !== undefined);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
