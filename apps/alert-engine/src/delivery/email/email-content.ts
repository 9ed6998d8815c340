import type { AlertPayload } from '../alert-payload';

/** One alert email: a subject, a plain-text body and an HTML body (every value escaped). */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Subjects are a single line; mail clients cut long ones anyway. */
const MAX_SUBJECT_LENGTH = 200;

/** The email for one alert: `[HIGH] ETH above 4,000: 4,012.50` (with `[TEST]` for a test-fire). */
export function renderAlertEmail(payload: AlertPayload): EmailContent {
  const tag = `[${payload.priority.toUpperCase()}]${payload.test ? ' [TEST]' : ''}`;
  const subject = `${tag} ${payload.message}`.replace(/[\r\n]+/g, ' ').slice(0, MAX_SUBJECT_LENGTH);
  const rows = detailRows(payload);
  const text = [
    payload.message,
    '',
    ...rows.map(([name, value]) => `${name}: ${value}`),
    '',
    payload.test
      ? 'This is a test notification of your alert rule.'
      : 'You receive this because of an alert rule on your defi-realtime account.',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p><strong>${escapeHtml(payload.message)}</strong></p>`,
    '<table cellpadding="4">',
    ...rows.map(([name, value]) => `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    `<p style="color: #666">${payload.test ? 'This is a test notification of your alert rule.' : 'You receive this because of an alert rule on your defi-realtime account.'}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] as string);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function detailRows(payload: AlertPayload): Array<[string, string]> {
  const target = payload.target.tokenId ?? payload.target.protocolId ?? '';
  return [
    ['Rule', `${payload.type} (${payload.ruleId})`],
    ['Target', payload.target.chain ? `${target} on ${payload.target.chain}` : target],
    ['Value', String(payload.value)],
    ['Threshold', String(payload.threshold)],
    ['Priority', payload.priority],
    ['Time', new Date(payload.timestamp).toISOString()],
    ['Alert id', payload.alertId],
  ];
}
