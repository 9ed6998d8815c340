import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailTransportOptions } from '../config';
import type { AttemptOutcome } from '../outcome';
import type { EmailContent } from './email-content';

/** Why an email delivery is dead at once when no transport is configured. */
export const NO_EMAIL_TRANSPORT =
  'no email transport configured: set SMTP_URL (smtp://user:pass@host:port) and EMAIL_FROM, or EMAIL_TRANSPORT=ses with AWS_REGION and EMAIL_FROM';

/** One alert email to one address. */
export interface EmailMessage {
  to: string;
  content: EmailContent;
  /** The delivery row id, as a header: the same on every retry, so duplicates can be recognised. */
  deliveryId: string;
}

/** Sends alert emails through nodemailer: SMTP from SMTP_URL, or Amazon SES v2. */
export class EmailSender {
  readonly #transport: Transporter;
  readonly #from: string;

  private constructor(transport: Transporter, from: string) {
    this.#transport = transport;
    this.#from = from;
  }

  /** A sender for the configured transport; SES loads the AWS SDK only when chosen. */
  static async create(options: EmailTransportOptions, timeoutMs: number): Promise<EmailSender> {
    if (options.kind === 'ses') {
      const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
      const sesClient = new SESv2Client({ region: options.region });
      return new EmailSender(nodemailer.createTransport({ SES: { sesClient, SendEmailCommand } }), options.from);
    }
    // A small pool: alerts come in bursts, and a new SMTP session per email costs several round trips.
    const transport = nodemailer.createTransport({
      url: options.url,
      pool: true,
      maxConnections: 5,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return new EmailSender(transport, options.from);
  }

  /** Send one email; never throws: every failure is an AttemptOutcome. */
  async send(message: EmailMessage): Promise<AttemptOutcome> {
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: message.to,
        subject: message.content.subject,
        text: message.content.text,
        html: message.content.html,
        headers: { 'X-Alert-Delivery-Id': message.deliveryId },
      });
      return { kind: 'succeeded' };
    } catch (err) {
      return emailFailure(err);
    }
  }

  /** Close pooled connections. */
  async close(): Promise<void> {
    this.#transport.close();
  }
}

/**
 * A rejected recipient or message (SMTP 5xx to RCPT/DATA, SES MessageRejected) will be
 * rejected again: dead at once. Everything else (connection, timeout, 4xx, auth, which an
 * operator can fix) is retried on the schedule.
 */
function emailFailure(err: unknown): AttemptOutcome {
  const e = (err ?? {}) as { message?: string; code?: string; responseCode?: number; name?: string };
  const error = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  const rejected =
    (typeof e.responseCode === 'number' &&
      e.responseCode >= 500 &&
      (e.code === 'EENVELOPE' || e.code === 'EMESSAGE')) ||
    e.name === 'MessageRejected';
  return rejected ? { kind: 'permanent', error } : { kind: 'retry', error };
}
