import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS, ERROR_CODES, httpStatusFor, isErrorCode, type ErrorCode } from '@defi-realtime/protocol';

/**
 * Largest request line + headers the HTTP servers read (Node's default, stated so the
 * docs, the 431 message and the server agree). A URL carrying 100 coins (~7 KB at the
 * longest ids) fits; 5,000 do not, and get 431 HEADERS_TOO_LARGE.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/** An error answer in the registry's shape, with the status the registry gives its code. */
export interface RegistryAnswer {
  status: number;
  body: { code: ErrorCode; message: string; field?: string };
}

/** `{code, message, field?}` with the code's registry status. */
export function registryAnswer(
  code: ErrorCode,
  message: string = ERRORS[code].message,
  field?: string,
): RegistryAnswer {
  return { status: httpStatusFor(code), body: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** What a Fastify or Node error says about itself (all optional: anything can be thrown). */
export interface FrameworkError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** What the answer to a Fastify error may mention about its request. */
export interface ErrorContext {
  /** The route's body limit, in bytes. */
  bodyLimit: number;
  contentType: string | undefined;
  maxParamLength: number;
}

/**
 * Fastify's own errors (FST_* codes, which mean nothing to a client) as registry answers
 * that say what to fix; undefined for an error Fastify did not raise.
 */
export function fastifyErrorAnswer(err: FrameworkError, context: ErrorContext): RegistryAnswer | undefined {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return registryAnswer('BAD_REQUEST', 'the URL path has an invalid percent-escape: write a literal % as %25');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return registryAnswer('BAD_REQUEST', `a path parameter is longer than ${context.maxParamLength} characters`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return registryAnswer('MESSAGE_TOO_LARGE', `the request body is larger than ${formatBytes(context.bodyLimit)}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return registryAnswer(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type '${clip(context.contentType ?? '')}' is not read here: send application/json`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return registryAnswer('BAD_REQUEST', 'body: empty, though Content-Type is application/json', 'body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return registryAnswer('BAD_REQUEST', 'body: not valid JSON', 'body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return registryAnswer('BAD_REQUEST', 'the body is not as long as its Content-Length says');
    default:
      return undefined;
  }
}

/**
 * Any other error with a 4xx/5xx status, as the registry code for that status (a code the
 * thrower set wins when it is a registry code); 5xx are INTERNAL (or UNAVAILABLE for 503)
 * and never show their message.
 */
export function statusErrorAnswer(err: FrameworkError): RegistryAnswer {
  if (isErrorCode(err.code) && ERRORS[err.code].httpStatus !== undefined) {
    return registryAnswer(err.code, httpStatusFor(err.code) >= 500 ? ERRORS[err.code].message : err.message);
  }
  const status =
    typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  const code = CODE_BY_STATUS.get(status) ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
  return registryAnswer(code, httpStatusFor(code) >= 500 ? ERRORS[code].message : err.message);
}

/** The first registry code for each HTTP status (FORBIDDEN before LIMIT_EXCEEDED for 403). */
const CODE_BY_STATUS = new Map<number, ErrorCode>();
for (const code of ERROR_CODES) {
  const status = ERRORS[code].httpStatus;
  if (status !== undefined && !CODE_BY_STATUS.has(status)) CODE_BY_STATUS.set(status, code);
}

/**
 * The HTTP server's `clientError` listener: a request Node's parser refused (headers over
 * MAX_HEADER_BYTES, a malformed request line) gets a registry answer instead of Node's
 * bodiless status line, then the connection is closed as Node does.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const answer =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? registryAnswer(
          'HEADERS_TOO_LARGE',
          `the request line and headers are larger than ${formatBytes(MAX_HEADER_BYTES)}: shorten the URL (split a long list, such as coins, over several requests) or the headers`,
        )
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? registryAnswer('BAD_REQUEST', 'the request was not received in time')
        : registryAnswer('BAD_REQUEST', `malformed HTTP request (${err.code ?? 'parse error'})`);
  if (socket.writable) {
    const body = JSON.stringify(answer.body);
    socket.write(
      `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function formatBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
