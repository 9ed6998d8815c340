import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// docs/alerts.md shows receivers how to verify a webhook signature; users copy it, so it
// is run here against a request signed as the Standard Webhooks spec says (signed in this
// test, independently of the delivery code).

type Verify = (secret: string, headers: Record<string, string>, rawBody: string, nowSec?: number) => boolean;

const DOC = readFileSync(resolve(__dirname, '../../../../docs/alerts.md'), 'utf8');

function documentedVerifier(): Verify {
  const block = [...DOC.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((code) => code.includes('function verifyWebhook'));
  if (block === undefined) throw new Error('docs/alerts.md has no js block with function verifyWebhook');
  const body = block.replace(/^import .*$/m, '').replace(/^export /m, '');
  return new Function('createHmac', 'timingSafeEqual', `${body}\nreturn verifyWebhook;`)(
    createHmac,
    timingSafeEqual,
  ) as Verify;
}

function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('the webhook verification example in docs/alerts.md', () => {
  const verify = documentedVerifier();
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    type: 'alert.fired',
    timestamp: new Date().toISOString(),
    data: { alertId: 'ntf_1', value: 4012.5 },
  });
  const headers = (overrides: Record<string, string> = {}) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(now),
    'webhook-signature': sign(secret, 'msg_1', now, body),
    ...overrides,
  });

  it('accepts a correctly signed request, also among several signatures', () => {
    expect(verify(secret, headers(), body, now)).toBe(true);
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    expect(
      verify(
        secret,
        headers({ 'webhook-signature': `${sign(other, 'msg_1', now, body)} ${sign(secret, 'msg_1', now, body)}` }),
        body,
        now,
      ),
    ).toBe(true);
  });

  it('refuses a changed body, id or timestamp, another secret, a stale timestamp or missing headers', () => {
    expect(verify(secret, headers(), body.replace('4012.5', '1'), now)).toBe(false);
    expect(verify(secret, headers({ 'webhook-id': 'msg_2' }), body, now)).toBe(false);
    expect(verify(secret, headers({ 'webhook-timestamp': String(now + 1) }), body, now)).toBe(false);
    expect(verify(`whsec_${randomBytes(24).toString('base64')}`, headers(), body, now)).toBe(false);
    expect(verify(secret, headers(), body, now + 301)).toBe(false);
    expect(verify(secret, headers({ 'webhook-timestamp': 'soon' }), body, now)).toBe(false);
    expect(verify(secret, { 'webhook-id': 'msg_1' }, body, now)).toBe(false);
    expect(verify(secret, headers({ 'webhook-signature': 'v2,abc' }), body, now)).toBe(false);
  });
});
