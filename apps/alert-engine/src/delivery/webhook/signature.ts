import { createHmac } from 'node:crypto';

/** Standard Webhooks secrets are `whsec_` followed by the base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** The key bytes of a `whsec_<base64>` secret; a TypeError when it is not one. */
export function webhookSecretKey(secret: string): Buffer {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX))
    throw new TypeError(`webhook secret must start with '${WEBHOOK_SECRET_PREFIX}'`);
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new TypeError('webhook secret must be whsec_ followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new TypeError(`webhook secret key must be at least 16 bytes; got ${key.length}`);
  return key;
}

/**
 * The `webhook-signature` header value (Standard Webhooks, https://www.standardwebhooks.com):
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` with the secret's key bytes.
 */
export function signWebhook(key: Buffer, id: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return `v1,${mac}`;
}
