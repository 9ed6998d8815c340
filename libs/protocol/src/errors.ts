import type { ClientMessageId } from './message-id';
import type { ErrorMessage } from './server-messages';

/**
 * One error the system can report. `closeCode` is the WebSocket close code used when this
 * error ends a connection; without one the error never does (the connection stays open).
 * Some errors with a close code are also sent without closing (a single RATE_LIMITED
 * message is a warning; a repeated one closes): docs/errors.md says when each one closes.
 */
export interface ErrorDefinition {
  readonly code: string;
  /** The default text; a thrower may give a more precise one. */
  readonly message: string;
  /** 4000-4999 for ours, a standard 1xxx where one fits. */
  readonly closeCode?: number;
  /** The status when the error answers an HTTP request (handshake or REST). */
  readonly httpStatus?: number;
}

// Application close codes mirror the HTTP status where there is one (4001 ~ 401,
// 4003 ~ 403, 4029 ~ 429), so a client that knows HTTP can guess what they mean.
const DEFINITIONS = {
  UNAUTHORIZED: {
    code: 'UNAUTHORIZED',
    message: 'Missing, invalid or revoked API key or token',
    closeCode: 4001,
    httpStatus: 401,
  },
  // Its own close code, not 4001: the credentials were never checked, so the client
  // should fix its start-up (authenticate at once), not ask its user for a new key.
  AUTH_TIMEOUT: {
    code: 'AUTH_TIMEOUT',
    message: 'No authenticate message within 5 seconds of connecting',
    closeCode: 4002,
  },
  FORBIDDEN: {
    code: 'FORBIDDEN',
    message: 'Your credentials do not allow this',
    closeCode: 4003,
    httpStatus: 403,
  },
  BAD_REQUEST: {
    code: 'BAD_REQUEST',
    message: 'The message is malformed',
    httpStatus: 400,
  },
  UNKNOWN_CHANNEL: {
    code: 'UNKNOWN_CHANNEL',
    message: 'No such channel',
  },
  // A quota of the tier, not a rate: waiting does not lift it, freeing something or a
  // bigger tier does. Hence 403 rather than 429, which promises relief after Retry-After.
  // Its close code is only used when a connection over the connections-per-key quota is
  // found at an authenticate message (after the upgrade, so no HTTP status is possible).
  LIMIT_EXCEEDED: {
    code: 'LIMIT_EXCEEDED',
    message: 'A limit of your tier is reached',
    closeCode: 4009,
    httpStatus: 403,
  },
  RATE_LIMITED: {
    code: 'RATE_LIMITED',
    message: 'Too many requests; slow down',
    closeCode: 4029,
    httpStatus: 429,
  },
  SLOW_CONSUMER: {
    code: 'SLOW_CONSUMER',
    message: 'The connection fell too far behind reading its messages',
    closeCode: 4008,
  },
  MESSAGE_TOO_LARGE: {
    code: 'MESSAGE_TOO_LARGE',
    message: 'The message is larger than 64 KiB',
    closeCode: 1009,
    httpStatus: 413,
  },
  // HTTP only: refused by the server's HTTP parser before any route runs, most often a
  // URL made too long by a list in it (coins); the limit is on request line + headers.
  HEADERS_TOO_LARGE: {
    code: 'HEADERS_TOO_LARGE',
    message: 'The request line and headers are larger than 16 KiB',
    httpStatus: 431,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body has a Content-Type the endpoint does not read; send application/json',
    httpStatus: 415,
  },
  NOT_FOUND: {
    code: 'NOT_FOUND',
    message: 'Not found',
    httpStatus: 404,
  },
  RESUME_FAILED: {
    code: 'RESUME_FAILED',
    message: 'The resume token is unknown or expired; subscribe again',
  },
  GOING_AWAY: {
    code: 'GOING_AWAY',
    message: 'The server is shutting down; reconnect',
    closeCode: 1001,
  },
  INTERNAL: {
    code: 'INTERNAL',
    message: 'Internal server error',
    closeCode: 1011,
    httpStatus: 500,
  },
  UNAVAILABLE: {
    code: 'UNAVAILABLE',
    message: 'The service is temporarily unavailable; try again later',
    closeCode: 1013,
    httpStatus: 503,
  },
} as const satisfies Record<string, ErrorDefinition>;

/** Every error code the system reports. */
export type ErrorCode = keyof typeof DEFINITIONS;

/** The registry, frozen (entries too) so no caller can change what a code means. */
export const ERRORS: { readonly [C in ErrorCode]: ErrorDefinition & { readonly code: C } } = Object.freeze(
  Object.fromEntries(
    Object.entries(DEFINITIONS).map(([code, definition]) => [code, Object.freeze(definition)]),
  ) as typeof DEFINITIONS,
);

/** Every code, in registry order. */
export const ERROR_CODES = Object.freeze(Object.keys(DEFINITIONS) as ErrorCode[]);

/** True when `code` is in the registry (codes from the wire are plain strings). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(DEFINITIONS, code);
}

/** The WebSocket close code used when `code` ends a connection, or undefined if it never does. */
export function closeCodeFor(code: ErrorCode): number | undefined {
  return ERRORS[code].closeCode;
}

/** The HTTP status for `code`, or 500 for codes that never answer HTTP requests. */
export function httpStatusFor(code: ErrorCode): number {
  return ERRORS[code].httpStatus ?? 500;
}

export interface ProtocolErrorOptions {
  /** Dotted path of the offending field (`channels.0`), when one field is to blame. */
  field?: string;
  /** The error that led to this one; kept for logs, never sent to the client. */
  cause?: unknown;
}

/** An error with a registry code: what every part throws for something a client did or will see. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(code: ErrorCode, message: string = ERRORS[code].message, options: ProtocolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
  }

  /** The WebSocket close code when this error ends a connection. */
  get closeCode(): number | undefined {
    return closeCodeFor(this.code);
  }

  /** The HTTP status when this error answers a request. */
  get httpStatus(): number {
    return httpStatusFor(this.code);
  }

  /** The `error` server message, echoing the client's message id when given. */
  toWire(id?: ClientMessageId): ErrorMessage {
    return {
      type: 'error',
      ...(id === undefined ? {} : { id }),
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }

  /** The JSON body of an HTTP error response (a rejected handshake, a REST error). */
  toHttpBody(): { code: ErrorCode; message: string; field?: string } {
    return { code: this.code, message: this.message, ...(this.field === undefined ? {} : { field: this.field }) };
  }
}
