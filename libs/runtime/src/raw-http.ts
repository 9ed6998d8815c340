import { connect } from 'node:net';

/** A response as read off the socket. */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text (Content-Length bodies; what these tests read). */
  body: string;
}

/**
 * Send `request` (a whole HTTP/1.1 request, as bytes on the wire) to `url`'s host and port
 * and read the response until the server closes the connection: for requests no HTTP
 * client would send (malformed escapes, 20 KiB headers) and answers Node's HTTP parser
 * gives before any framework code runs. Send `Connection: close` with well-formed requests.
 */
export function rawHttpRequest(url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawHttpResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer and close before reading all of a large request: a write
    // error then is expected, the answer is what was read.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (end < 0 || !match) return reject(new Error(`not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, end).split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(match[1]), headers, body: text.slice(end + 4) });
    });
    socket.write(request);
  });
}
