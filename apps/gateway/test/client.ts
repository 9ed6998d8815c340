import type { IncomingMessage } from 'node:http';
import { ServerMessageSchema } from '@defi-realtime/protocol';
import { WebSocket, type ClientOptions } from 'ws';
import { eventually, sleep, withTimeout } from '@defi-realtime/runtime/testing';

/** Any server message, loosely typed: tests assert on the wire shape, not on our own types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;
export type Match = string | ((message: Message) => boolean);

export interface ConnectOptions {
  apiKey?: string;
  headers?: Record<string, string>;
  /** Passed to ws as is (`origin`, `autoPong`, ...). */
  ws?: ClientOptions;
  /** How long the opening handshake may take. @default 5_000 */
  timeoutMs?: number;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A refused handshake as the client sees it: status, headers and the JSON body. */
export interface Refusal {
  status: number;
  headers: IncomingMessage['headers'];
  body: Message;
}

const DEFAULT_WAIT_MS = 5_000;

/**
 * A WebSocket client for tests. Every received message is kept in `messages`; `next()`
 * takes the first unconsumed one that matches (the others stay queued for later calls),
 * so a test reads the conversation in the order it cares about. Every wait times out.
 * Every message is also checked against the published server schema: `next()` fails on
 * one that does not match it, since an SDK built on that schema would reject it.
 */
export class TestClient {
  readonly messages: Message[] = [];
  /** When each of `messages` arrived (Date.now()), same index. */
  readonly receivedAt: number[] = [];
  readonly closed: Promise<Closed>;
  private readonly queue: Message[] = [];
  private waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  private closeInfo: Closed | undefined;
  private readonly invalid = new WeakMap<Message, string>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const message = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()) as Message;
      this.messages.push(message);
      this.receivedAt.push(Date.now());
      const checked = ServerMessageSchema.safeParse(message);
      if (!checked.success) this.invalid.set(message, checked.error.message);
      const waiter = this.waiters.find((w) => w.match(message));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      } else {
        this.queue.push(message);
      }
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      });
    });
    ws.on('error', () => undefined); // surfaced through `closed`
  }

  /** Open a connection; rejects with the HTTP status and body when the handshake is refused. */
  static connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
    const ws = open(url, options);
    return new Promise<TestClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no WebSocket handshake within ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms`));
      }, options.timeoutMs ?? DEFAULT_WAIT_MS);
      // Built before 'open' so no message sent right after the upgrade (welcome) is missed.
      const client = new TestClient(ws);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        readRefusal(res).then((refusal) => {
          ws.terminate();
          reject(
            Object.assign(new Error(`handshake refused with HTTP ${refusal.status}: ${JSON.stringify(refusal.body)}`), {
              refusal,
            }),
          );
        }, reject);
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Open a connection and wait for its `welcome` (authenticated at the handshake). */
  static async welcomed(url: string, options: ConnectOptions = {}): Promise<{ client: TestClient; welcome: Message }> {
    const client = await TestClient.connect(url, options);
    return { client, welcome: await client.next('welcome') };
  }

  /** Attempt a handshake that the server must refuse; resolves with what the client saw. */
  static async refused(url: string, options: ConnectOptions = {}): Promise<Refusal> {
    try {
      const client = await TestClient.connect(url, options);
      client.close();
    } catch (err) {
      const refusal = (err as { refusal?: Refusal }).refusal;
      if (refusal) return refusal;
      throw err;
    }
    throw new Error('the handshake was accepted, expected a refusal');
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next unconsumed message matching a type or predicate; rejects after `timeoutMs`. */
  next(match: Match, timeoutMs = DEFAULT_WAIT_MS): Promise<Message> {
    const predicate = typeof match === 'string' ? (m: Message) => m['type'] === match : match;
    const index = this.queue.findIndex(predicate);
    if (index !== -1) return this.checked(this.queue.splice(index, 1)[0] as Message);
    return new Promise<Message>((resolve, reject) => {
      const waiter = {
        match: predicate,
        resolve: (m: Message) => {
          clearTimeout(timer);
          this.checked(m).then(resolve, reject);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.messages.slice(-5).map((m) => JSON.stringify(m).slice(0, 200));
        reject(
          new Error(`no message matching ${String(match)} within ${timeoutMs} ms; last received: ${seen.join('\n')}`),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private checked(message: Message): Promise<Message> {
    const problem = this.invalid.get(message);
    if (problem === undefined) return Promise.resolve(message);
    return Promise.reject(
      new Error(`the server sent a message outside its schema: ${JSON.stringify(message).slice(0, 300)}\n${problem}`),
    );
  }

  /** Send a message and wait for the reply carrying its `id`. */
  async request(message: Message & { id: string | number }, timeoutMs = DEFAULT_WAIT_MS): Promise<Message> {
    this.send(message);
    return this.next((m) => m['id'] === message.id, timeoutMs);
  }

  /** Subscribe and return the `subscription_result`. */
  subscribe(channels: string[], extra: Message = {}): Promise<Message> {
    return this.request({ type: 'subscribe', id: `sub-${Math.random()}`, channels, ...extra });
  }

  /** Every data message received so far (optionally only one channel's), in order. */
  data(channel?: string): Message[] {
    return this.messages.filter(
      (m) =>
        typeof m['position'] === 'object' &&
        m['data'] !== undefined &&
        m['type'] !== 'snapshot' &&
        (channel === undefined || m['channel'] === channel),
    );
  }

  /** Resolves with the close code and reason; rejects when the server has not closed within `timeoutMs`. */
  closedWithin(timeoutMs = DEFAULT_WAIT_MS): Promise<Closed> {
    return withTimeout(this.closed, timeoutMs, 'the connection to close');
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Close from the client side and wait until the socket is gone. */
  async close(): Promise<void> {
    if (this.closeInfo) return;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    else this.ws.terminate();
    await withTimeout(this.closed, 2_000, 'the close handshake').catch(() => this.ws.terminate());
  }
}

/** A ws client for `url` with the given credentials (`?apiKey=` when apiKey is set). */
export function open(url: string, options: ConnectOptions = {}): WebSocket {
  const target = new URL(url);
  if (options.apiKey) target.searchParams.set('apiKey', options.apiKey);
  return new WebSocket(target, { ...options.ws, headers: { ...options.ws?.headers, ...options.headers } });
}

function readRefusal(res: IncomingMessage): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Message });
      } catch {
        reject(new Error(`HTTP ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
      }
    });
    res.on('error', reject);
  });
}

export { eventually, sleep, withTimeout };
