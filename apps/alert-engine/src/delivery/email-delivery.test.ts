import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { eventually } from '@defi-realtime/runtime/testing';
import { deliveriesOf, insertRule, metricValue, newOwner, notification, startHarness } from './test-support/harness';

interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

let tdb: TestDatabase;
let smtp: SMTPServer;
let smtpUrl: string;
const mails: ReceivedMail[] = [];
/** Recipients the server refuses permanently (550). */
const refused = new Set<string>();

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === 's3cret') return callback(null, { user: auth.username });
      return callback(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address))
        return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://alerts:s3cret@127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await tdb.cleanup();
});

/** The parts of a multipart MIME message: content type and decoded body. */
function mimeParts(raw: string): Array<{ type: string; body: string }> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) return [];
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
      const body = rest.join('\n\n');
      const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? '';
      const qp = /content-transfer-encoding:\s*quoted-printable/i.test(head);
      const decoded = qp
        ? body
            .replace(/=\r?\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        : body;
      return { type, body: Buffer.from(decoded, 'latin1').toString('utf8').trim() };
    });
}

describe('email delivery through a real SMTP server', () => {
  it('sends one message with a plain-text and an HTML part (values escaped)', async () => {
    const owner = newOwner('erin');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'email', to: 'erin@example.com' }]);
    const h = await startHarness(tdb.db, { email: { kind: 'smtp', url: smtpUrl, from: 'Alerts <alerts@defi.test>' } });
    try {
      const n = notification(ruleId, owner);
      await h.append(n, n);
      await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('succeeded'));
      // The second copy handled, and the delivery final: a second message, if any, was sent by now.
      await eventually(async () =>
        expect(await metricValue(h.registry, 'alert_outbox_entries_total', { outcome: 'duplicate' })).toBe(1),
      );
      const sent = mails.filter((m) => m.to.includes('erin@example.com'));
      expect(sent).toHaveLength(1);
      const [mail] = sent;
      expect(mail?.from).toBe('alerts@defi.test');
      expect(mail?.user).toBe('alerts');
      expect(mail?.raw).toMatch(/^Subject: \[HIGH\] ETH \(coingecko:ethereum\) above 4,000: 4,012\.50/m);
      const parts = mimeParts(mail?.raw ?? '');
      expect(parts.map((p) => p.type)).toEqual(['text/plain', 'text/html']);
      expect(parts[0]?.body).toContain('ETH (coingecko:ethereum) above 4,000: 4,012.50 <b>&</b>');
      expect(parts[0]?.body).toContain(`Rule: price_above (${ruleId})`);
      expect(parts[1]?.body).toContain('4,012.50 &lt;b&gt;&amp;&lt;/b&gt;');
      expect(parts[1]?.body).not.toContain('<b>&</b>');
    } finally {
      await h.close();
    }
  });

  it('a recipient the server refuses (550) is dead at once; no transport configured is dead with a clear error', async () => {
    refused.add('nobody@example.com');
    const owner = newOwner('fay');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'email', to: 'nobody@example.com' }]);
    const withSmtp = await startHarness(tdb.db, { email: { kind: 'smtp', url: smtpUrl, from: 'alerts@defi.test' } });
    try {
      await withSmtp.append(notification(ruleId, owner));
      await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('dead'));
      expect((await deliveriesOf(tdb.db, ruleId))[0]).toMatchObject({
        attempts: 1,
        last_error: expect.stringContaining('550'),
      });
    } finally {
      await withSmtp.close();
    }

    const other = await insertRule(tdb.db, owner, [{ type: 'email', to: 'fay@example.com' }]);
    const without = await startHarness(tdb.db, {});
    try {
      await without.append(notification(other, owner));
      await eventually(async () => expect((await deliveriesOf(tdb.db, other))[0]?.status).toBe('dead'));
      expect((await deliveriesOf(tdb.db, other))[0]?.last_error).toMatch(
        /^no email transport configured: set SMTP_URL/,
      );
    } finally {
      await without.close();
    }
  });

  it('an unreachable SMTP server is retried on the schedule, then dead', async () => {
    const owner = newOwner('gus');
    const ruleId = await insertRule(tdb.db, owner, [{ type: 'email', to: 'gus@example.com' }]);
    const h = await startHarness(tdb.db, {
      retrySchedule: [0, 50],
      email: { kind: 'smtp', url: 'smtp://127.0.0.1:1', from: 'alerts@defi.test' },
    });
    try {
      await h.append(notification(ruleId, owner));
      await eventually(async () => expect((await deliveriesOf(tdb.db, ruleId))[0]?.status).toBe('dead'));
      expect((await deliveriesOf(tdb.db, ruleId))[0]).toMatchObject({
        attempts: 2,
        last_error: expect.stringMatching(/^retries exhausted; last error: .*ECONNREFUSED/),
      });
    } finally {
      await h.close();
    }
  });
});
