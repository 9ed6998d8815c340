/** How a transport reports a closed connection. */
export interface TransportClose {
  code: number;
  reason: string;
  /** A refused handshake (only visible in Node): the status and the body's `{code, message}`. */
  http?: { status: number; code?: string; message?: string; retryAfterMs?: number };
  /** What went wrong at the socket level, when something did. */
  cause?: unknown;
}

/** What a transport tells the client. `close` is called exactly once, also when opening fails. */
export interface TransportHandlers {
  open(): void;
  message(text: string): void;
  close(info: TransportClose): void;
  /** A WebSocket-level ping from the server (Node only: browsers never see them). */
  alive(): void;
}

/** One WebSocket connection, as the client uses it. */
export interface Transport {
  send(text: string): void;
  /** Close with a close frame (the close handshake may still be running afterwards). */
  close(code: number, reason: string): void;
  /** Drop the connection at once, without a handshake (a dead peer would never answer it). */
  terminate(): void;
}

/** Opens a transport to `url`; may report failure through `handlers.close`, never by throwing. */
export type TransportFactory = (url: string, handlers: TransportHandlers) => Transport;
