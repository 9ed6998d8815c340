import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { ERRORS, httpStatusFor, type ErrorCode } from '@defi-realtime/protocol';

/**
 * Refuse an upgrade with a plain HTTP response and a JSON body `{code, message}`, so a
 * client sees why (ws's own abortHandshake sends only a status line).
 */
export function rejectUpgrade(
  socket: Duplex,
  code: ErrorCode,
  message: string = ERRORS[code].message,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed) return;
  const status = httpStatusFor(code);
  const body = JSON.stringify({ code, message });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
