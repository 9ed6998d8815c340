import type { IncomingMessage } from 'node:http';
import type { WebSocket as WsSocket } from 'ws';
import type { Transport, TransportClose, TransportFactory, TransportHandlers } from './transport';

/** Largest handshake-refusal body read (a `{code, message}` JSON is far smaller). */
const MAX_BODY_BYTES = 4096;

/**
 * Node transport on `ws`, imported on first use so that bundles for browsers never
 * reach it. Unlike a browser it sees the server's WebSocket pings (fed to the watchdog)
 * and the HTTP status and body of a refused handshake.
 */
export function createWsTransport(options: { handshakeTimeoutMs?: number } = {}): TransportFactory {
  return (url, handlers) => new WsTransport(url, handlers, options.handshakeTimeoutMs ?? 10_000);
}

class WsTransport implements Transport {
  #socket: WsSocket | undefined;
  #abandoned = false;
  #finished = false;
  #http: TransportClose['http'];
  #cause: unknown;

  constructor(
    url: string,
    private readonly handlers: TransportHandlers,
    handshakeTimeoutMs: number,
  ) {
    import('ws').then(
      ({ WebSocket }) => this.#open(WebSocket, url, handshakeTimeoutMs),
      (err: unknown) => this.#finish({ code: 1006, reason: '', cause: err }),
    );
  }

  send(text: string): void {
    if (this.#socket?.readyState === 1) this.#socket.send(text);
  }

  close(code: number, reason: string): void {
    this.#abandoned = true;
    if (this.#socket && this.#socket.readyState < 2) this.#socket.close(code, reason);
  }

  terminate(): void {
    this.#abandoned = true;
    this.#socket?.terminate();
  }

  #open(WebSocket: typeof WsSocket, url: string, handshakeTimeout: number): void {
    if (this.#abandoned) return this.#finish({ code: 1006, reason: 'closed before opening' });
    let socket: WsSocket;
    try {
      socket = new WebSocket(url, { handshakeTimeout, perMessageDeflate: false });
    } catch (err) {
      return this.#finish({ code: 1006, reason: '', cause: err });
    }
    this.#socket = socket;
    socket.on('open', () => this.handlers.open());
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.handlers.message(data.toString());
    });
    socket.on('ping', () => this.handlers.alive());
    socket.on('unexpected-response', (_req, res) => {
      void readRefusal(res).then((http) => {
        this.#http = http;
        socket.terminate();
      });
    });
    socket.on('error', (err) => {
      this.#cause ??= err;
    });
    socket.on('close', (code, reason) =>
      this.#finish({ code, reason: reason.toString(), http: this.#http, cause: this.#cause }),
    );
  }

  #finish(info: TransportClose): void {
    if (this.#finished) return;
    this.#finished = true;
    this.handlers.close(info);
  }
}

/** The status, `{code, message}` and Retry-After of a refused handshake. */
async function readRefusal(res: IncomingMessage): Promise<NonNullable<TransportClose['http']>> {
  const status = res.statusCode ?? 0;
  const retryAfter = Number(res.headers['retry-after']);
  const http: NonNullable<TransportClose['http']> = {
    status,
    ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
  const body = await new Promise<string>((resolve) => {
    let text = '';
    const timer = setTimeout(() => done(), 2_000);
    const done = (): void => {
      clearTimeout(timer);
      res.removeAllListeners('data');
      res.destroy();
      resolve(text);
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY_BYTES) done();
    });
    res.on('end', done);
    res.on('error', done);
  });
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof parsed.code === 'string') http.code = parsed.code;
    if (typeof parsed.message === 'string') http.message = parsed.message;
  } catch {
    // Not our JSON (a proxy's HTML page): the status alone has to do.
  }
  return http;
}
