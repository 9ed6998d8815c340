import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One webhook request as the receiver saw it. */
export interface WebhookArrival {
  /** `performance.now()` when the request's headers arrived (the bench's own clock). */
  at: number;
  /** The `webhook-id` header: the same on every retry, so a second arrival is a duplicate. */
  webhookId: string;
  /** `data.timestamp`: the crossing's observation time (ms), unique per crossing in this bench. */
  timestamp: number;
  ruleId: string;
  value: number;
  /** `alert.fired` or `alert.test`. */
  type: string;
  /** The Standard Webhooks signature checked with the rule's secret; undefined when the secret is unknown. */
  verified: boolean | undefined;
  /** Why the body could not be read, when it could not. */
  error?: string;
}

/** A local endpoint answering 204 at once and recording every request. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks/bench` */
  url: string;
  /** Every request, in arrival order. */
  arrivals: WebhookArrival[];
  /** Signing secrets (`whsec_...`) by rule id; fill it in as rules are created. */
  secrets: Map<string, string>;
  close(): Promise<void>;
}

interface AlertBody {
  type?: unknown;
  data?: { ruleId?: unknown; value?: unknown; timestamp?: unknown };
}

/**
 * Start the receiver on 127.0.0.1, port 0. The arrival time is taken when the headers
 * arrive; the answer goes out as soon as the body is read, and the signature is checked
 * after that, so verifying costs the measured path nothing.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const arrivals: WebhookArrival[] = [];
  const secrets = new Map<string, string>();
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(204).end();
      arrivals.push(readArrival(at, req.headers, Buffer.concat(chunks).toString('utf8'), secrets));
    });
  });
  // The engine's HTTP agent keeps connections open between deliveries: do not close them first.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/bench`,
    arrivals,
    secrets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readArrival(
  at: number,
  headers: IncomingHttpHeaders,
  body: string,
  secrets: Map<string, string>,
): WebhookArrival {
  const webhookId = String(headers['webhook-id'] ?? '');
  let parsed: AlertBody;
  try {
    parsed = JSON.parse(body) as AlertBody;
  } catch (err) {
    return {
      at,
      webhookId,
      timestamp: Number.NaN,
      ruleId: '',
      value: Number.NaN,
      type: '',
      verified: undefined,
      error: `body is not JSON: ${(err as Error).message}`,
    };
  }
  const ruleId = String(parsed.data?.ruleId ?? '');
  const secret = secrets.get(ruleId);
  return {
    at,
    webhookId,
    timestamp: Number(parsed.data?.timestamp),
    ruleId,
    value: Number(parsed.data?.value),
    type: String(parsed.type ?? ''),
    verified: secret === undefined ? undefined : verifySignature(secret, headers, body),
  };
}

/**
 * Standard Webhooks verification written from the spec (docs/alerts.md), not with the
 * engine's signing code: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the
 * base64-decoded secret after `whsec_`, timestamp within 5 minutes.
 */
export function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!(Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300)) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
