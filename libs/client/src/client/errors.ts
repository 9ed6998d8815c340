import type { ErrorCode } from '@defi-realtime/protocol';

/**
 * Errors the SDK reports itself (the server's codes are in the protocol registry,
 * docs/errors.md). Each says whether the client keeps going (`temporary`) and what the
 * application can do.
 */
export const CLIENT_ERRORS = {
  CONNECTION_LOST: { message: 'The connection closed without a close frame (network, server killed)', temporary: true },
  CONNECT_FAILED: { message: 'The connection could not be opened', temporary: true },
  CONNECT_TIMEOUT: { message: 'No welcome from the server within connectTimeoutMs', temporary: true },
  HEARTBEAT_TIMEOUT: {
    message: 'Nothing heard from the server for two heartbeat intervals plus heartbeatMarginMs',
    temporary: true,
  },
  TOKEN_ERROR: { message: 'getToken() failed', temporary: true },
  INVALID_MESSAGE: {
    message: 'The server sent a frame that does not match the protocol; it was dropped',
    temporary: true,
  },
  DUPLICATE_CHANNEL: { message: 'Another subscription of this client already holds this channel', temporary: false },
  CLIENT_CLOSED: { message: 'The client was closed', temporary: false },
} as const satisfies Record<string, { message: string; temporary: boolean }>;

/** A code the SDK reports itself. */
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/** Every code a RealtimeError may carry: the server registry's and the SDK's own. */
export type RealtimeErrorCode = ErrorCode | ClientErrorCode;

export interface RealtimeErrorOptions {
  /** False when retrying cannot help (bad key, forbidden channel). */
  temporary: boolean;
  /** The WebSocket close code, when the error ended a connection. */
  closeCode?: number;
  /** The HTTP status, when the server refused the handshake (Node only: browsers cannot see it). */
  httpStatus?: number;
  /** The channel, for a per-channel refusal. */
  channel?: string;
  /** The offending field of the message the client sent, as the server named it. */
  field?: string;
  cause?: unknown;
}

/** Every error the SDK surfaces: a code (server registry or SDK), whether it is temporary, and where it came from. */
export class RealtimeError extends Error {
  override readonly name = 'RealtimeError';
  /** A protocol registry code (`UNAUTHORIZED`), an SDK code (`HEARTBEAT_TIMEOUT`), or a newer server's code. */
  readonly code: RealtimeErrorCode | (string & {});
  readonly temporary: boolean;
  readonly closeCode?: number;
  readonly httpStatus?: number;
  readonly channel?: string;
  readonly field?: string;

  constructor(code: RealtimeErrorCode | (string & {}), message: string, options: RealtimeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.temporary = options.temporary;
    if (options.closeCode !== undefined) this.closeCode = options.closeCode;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.channel !== undefined) this.channel = options.channel;
    if (options.field !== undefined) this.field = options.field;
  }
}

/** An SDK error with its default text. */
export function clientError(
  code: ClientErrorCode,
  options: Partial<RealtimeErrorOptions> & { message?: string } = {},
): RealtimeError {
  const { message, ...rest } = options;
  return new RealtimeError(code, message ?? CLIENT_ERRORS[code].message, {
    temporary: CLIENT_ERRORS[code].temporary,
    ...rest,
  });
}

/**
 * The registry code behind each close code the server uses (docs/errors.md). Copied
 * rather than imported so the browser bundle needs no schema code; a test compares it
 * with the registry.
 */
export const CLOSE_CODE_ERRORS: Readonly<Record<number, ErrorCode>> = Object.freeze({
  1001: 'GOING_AWAY',
  1009: 'MESSAGE_TOO_LARGE',
  1011: 'INTERNAL',
  1013: 'UNAVAILABLE',
  4001: 'UNAUTHORIZED',
  4002: 'AUTH_TIMEOUT',
  4003: 'FORBIDDEN',
  4008: 'SLOW_CONSUMER',
  4009: 'LIMIT_EXCEEDED',
  4029: 'RATE_LIMITED',
});

/** Codes after which reconnecting with the same credentials cannot help. */
const PERMANENT = new Set<string>(['UNAUTHORIZED', 'FORBIDDEN', 'MESSAGE_TOO_LARGE', 'NOT_FOUND', 'BAD_REQUEST']);

/** How the client reacts to one closed connection. */
export interface CloseVerdict {
  error: RealtimeError;
  /**
   * True when the server closed on purpose (a close frame with a code), after the frames
   * it counted as sent: its resume record then matches what the client received. After a
   * silent drop the server counts frames that died in the network, so its positions run
   * ahead of the client's: `since` with the client's own positions is the lossless way back.
   */
  resumable: boolean;
  /**
   * True when the close says "you, slow down" (4008, 4029, 4009, 1011, 1013, refused
   * handshakes): the backoff keeps growing across such closes instead of starting over.
   */
  penalty: boolean;
  /** The least delay before the next attempt. */
  minDelayMs: number;
}

export interface CloseFacts {
  code: number;
  reason: string;
  /** The connection was closed by this client (watchdog, timeout), not by the server. */
  local?: RealtimeError;
  /** The last `error` message the server sent before closing (it names the reason). */
  serverError?: { code: string; message: string };
  /** A refused handshake (Node): the HTTP status and the body's `{code, message}`. */
  http?: { status: number; code?: string; message?: string; retryAfterMs?: number };
}

/** Classify a closed connection: which error, whether to resume, how long to wait. */
export function judgeClose(facts: CloseFacts): CloseVerdict {
  if (facts.local)
    return { error: facts.local, resumable: false, penalty: facts.local.code === 'CONNECT_TIMEOUT', minDelayMs: 0 };
  if (facts.http) return judgeHandshake(facts.http);
  const code =
    CLOSE_CODE_ERRORS[facts.code] ?? (facts.reason && /^[A-Z_]{3,64}$/.test(facts.reason) ? facts.reason : undefined);
  const message =
    facts.serverError?.message ?? (code ? `closed by the server: ${code}` : `closed with code ${facts.code}`);
  if (code === undefined) {
    // 1000/1005/1006 and codes we do not know: reconnect. Only a close frame with a code
    // is a deliberate close; 1005 (no code) and 1006 (no frame) are not resumable.
    const lost = facts.code === 1006 || facts.code === 1005;
    const error = lost
      ? clientError('CONNECTION_LOST', { closeCode: facts.code })
      : new RealtimeError('CONNECTION_LOST', message, { temporary: true, closeCode: facts.code });
    return { error, resumable: !lost, penalty: facts.code >= 4000, minDelayMs: 0 };
  }
  const error = new RealtimeError(code, message, { temporary: !PERMANENT.has(code), closeCode: facts.code });
  switch (code) {
    case 'GOING_AWAY':
      return { error, resumable: true, penalty: false, minDelayMs: 0 };
    case 'RATE_LIMITED':
      return { error, resumable: true, penalty: true, minDelayMs: 5_000 };
    default:
      return { error, resumable: true, penalty: true, minDelayMs: 0 };
  }
}

function judgeHandshake(http: NonNullable<CloseFacts['http']>): CloseVerdict {
  const code = http.code ?? statusCode(http.status);
  const temporary = http.status === 429 || http.status >= 500 || code === 'LIMIT_EXCEEDED';
  const message = http.message ?? `the server refused the connection (HTTP ${http.status})`;
  const error = new RealtimeError(code, message, { temporary, httpStatus: http.status });
  return { error, resumable: true, penalty: true, minDelayMs: http.retryAfterMs ?? 0 };
}

function statusCode(status: number): string {
  switch (status) {
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

/** Per-channel or per-request refusals that retrying later may lift. */
export function isTemporaryRefusal(code: string): boolean {
  return code === 'UNAVAILABLE' || code === 'INTERNAL' || code === 'RATE_LIMITED';
}
