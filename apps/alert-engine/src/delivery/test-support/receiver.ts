import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, with its Standard Webhooks verification verdict. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature matched and the timestamp is within 5 minutes. */
  verified: boolean;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` plus the path given. */
  url: string;
  port: number;
  requests: ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A real HTTP endpoint on a free port that verifies each request as a Standard Webhooks
 * receiver would (written from the spec, not with the code under test) and answers with
 * the status `respond` returns for the n-th request (0-based).
 */
export async function startReceiver(
  secret: string,
  respond: (n: number) => number = () => 200,
  path = '/hook',
): Promise<Receiver> {
  const requests: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = requests.length;
      requests.push({ headers: req.headers, body, verified: verifyStandardWebhook(secret, req.headers, body) });
      res.writeHead(respond(n), { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Standard Webhooks verification (https://www.standardwebhooks.com, "Verifying webhooks"):
 * key = base64-decode(secret without `whsec_`); expected = base64(HMAC-SHA256(key,
 * `${webhook-id}.${webhook-timestamp}.${body}`)); `webhook-signature` is a space-separated
 * list of `v1,<sig>`, one of which must equal it; the timestamp within the tolerance.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  toleranceSec = 300,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSec) return false;
  const key = Buffer.from(secret.split('_')[1] ?? '', 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || sig === undefined) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
