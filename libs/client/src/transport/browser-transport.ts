import type { Transport, TransportFactory, TransportHandlers } from './transport';

/** The part of the browser's WebSocket the client uses (no DOM typings needed). */
export interface BrowserWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type BrowserWebSocketConstructor = new (url: string) => BrowserWebSocket;

/**
 * Transport on the platform's WebSocket (browsers, Deno, Node 22+). A browser hides
 * WebSocket pings and refused-handshake statuses: the client's own `ping` messages keep
 * the watchdog fed, and a refused handshake looks like 1006.
 */
export function createBrowserTransport(WebSocketImpl?: BrowserWebSocketConstructor): TransportFactory {
  return (url, handlers) => new BrowserTransport(url, handlers, WebSocketImpl ?? globalWebSocket());
}

function globalWebSocket(): BrowserWebSocketConstructor {
  const impl = (globalThis as { WebSocket?: BrowserWebSocketConstructor }).WebSocket;
  if (!impl)
    throw new TypeError('No global WebSocket here: pass the WebSocket option (or use the Node entry, which uses ws)');
  return impl;
}

class BrowserTransport implements Transport {
  readonly #socket: BrowserWebSocket | undefined;
  #finished = false;

  constructor(
    url: string,
    private readonly handlers: TransportHandlers,
    WebSocketImpl: BrowserWebSocketConstructor,
  ) {
    try {
      this.#socket = new WebSocketImpl(url);
    } catch (err) {
      queueMicrotask(() => this.#finish(1006, '', err));
      return;
    }
    this.#socket.onopen = () => handlers.open();
    this.#socket.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.message(event.data);
    };
    this.#socket.onclose = (event) => this.#finish(event.code, event.reason);
    this.#socket.onerror = () => undefined; // a close event always follows, with the code
  }

  send(text: string): void {
    if (this.#socket?.readyState === 1) this.#socket.send(text);
  }

  close(code: number, reason: string): void {
    if (this.#socket && this.#socket.readyState < 2) this.#socket.close(code, reason);
  }

  terminate(): void {
    // Browsers have no terminate: close (1000 is the only code below 3000 they allow) and stop listening.
    this.close(1000, 'terminated');
  }

  #finish(code: number, reason: string, cause?: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.handlers.close({ code, reason, cause });
  }
}
