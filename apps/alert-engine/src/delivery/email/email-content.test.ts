import { alertPayload } from '../alert-payload';
import { escapeHtml, renderAlertEmail } from './email-content';

const base = {
  id: 'ntf_0123456789abcdef0123456789abcdef',
  ruleId: '6f1c1c9e-2b6a-4c1e-9a51-2f4f3c1d8e7a',
  owner: 'alice',
  type: 'tvl_below' as const,
  priority: 'critical' as const,
  message: 'Aave <V3> TVL below 1,000,000 & falling',
  value: 950_000,
  threshold: 1_000_000,
  target: { protocolId: 'aave-v3', chain: 'ethereum' },
  firedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  eventId: 'evt_1',
  test: false,
};

describe('alert emails', () => {
  it('puts the priority and message in the subject, the details in both bodies', () => {
    const email = renderAlertEmail(alertPayload(base, 'alice'));
    expect(email.subject).toBe('[CRITICAL] Aave <V3> TVL below 1,000,000 & falling');
    expect(email.text).toContain('Target: aave-v3 on ethereum');
    expect(email.text).toContain('Time: 2026-01-02T03:04:05.000Z');
    expect(email.html).toContain('<strong>Aave &lt;V3&gt; TVL below 1,000,000 &amp; falling</strong>');
    expect(email.html).not.toContain('<V3>');
  });

  it('marks test-fires and keeps the subject on one line', () => {
    const email = renderAlertEmail(
      alertPayload({ ...base, test: true, message: 'line one\r\nBcc: victim@example.com' }, 'alice'),
    );
    expect(email.subject).toBe('[CRITICAL] [TEST] line one Bcc: victim@example.com');
    expect(email.text).toContain('This is a test notification');
  });

  it('escapes every HTML-special character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
