import { Agent, request } from 'undici';
import type { AttemptOutcome } from '../outcome';
import { PrivateAddressError, classifyAddress, guardedLookup } from './address-guard';
import { signWebhook, webhookSecretKey } from './signature';

/** Sent as `user-agent`, so receivers can tell our requests apart. */
export const WEBHOOK_USER_AGENT = 'defi-realtime-webhooks/1';

/** Response bodies are read (to reuse the connection) up to this size, never kept. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookSenderOptions {
  /** Send to non-public addresses too (the SSRF guard off). @default false */
  allowPrivate?: boolean;
  /** Time limit of a whole request: connect, headers and body. @default 10_000 */
  timeoutMs?: number;
}

/** One signed POST: the delivery row id is the `webhook-id`, the same on every retry. */
export interface WebhookRequest {
  id: string;
  url: string;
  /** `whsec_<base64>` from the rule's channel. */
  secret: string;
  /** The JSON body, exactly as signed. */
  body: string;
}

/**
 * Sends Standard Webhooks requests (https://www.standardwebhooks.com) over one undici
 * Agent: signed, time-limited, redirects not followed (a redirect could lead the request
 * past the SSRF guard's judgement of the URL the user gave), and with the SSRF guard in
 * the Agent's connect-time DNS lookup.
 */
export class WebhookSender {
  readonly #agent: Agent;
  readonly #allowPrivate: boolean;
  readonly #timeoutMs: number;

  constructor(options: WebhookSenderOptions = {}) {
    this.#allowPrivate = options.allowPrivate ?? false;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#agent = new Agent({
      connect: { timeout: this.#timeoutMs, ...(this.#allowPrivate ? {} : { lookup: guardedLookup }) },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  /** POST one webhook; never throws: every failure is an AttemptOutcome. */
  async send(webhook: WebhookRequest): Promise<AttemptOutcome> {
    const refused = this.#refuse(webhook);
    if (refused) return refused;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': webhook.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(webhookSecretKey(webhook.secret), webhook.id, timestamp, webhook.body),
    };
    try {
      const response = await request(webhook.url, {
        method: 'POST',
        headers,
        body: webhook.body,
        dispatcher: this.#agent,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const statusCode = response.statusCode;
      await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
      if (statusCode >= 200 && statusCode < 300) return { kind: 'succeeded', statusCode };
      if (statusCode === 410)
        return { kind: 'gone', statusCode, error: 'endpoint answered 410 Gone; the webhook is disabled' };
      const redirect = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
      return { kind: 'retry', statusCode, error: `endpoint answered HTTP ${statusCode}${redirect}` };
    } catch (err) {
      return this.#failure(err);
    }
  }

  /** Close the Agent's connections. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  /** Permanent refusals known before connecting: bad URL, bad secret, a private IP literal. */
  #refuse(webhook: WebhookRequest): AttemptOutcome | undefined {
    let url: URL;
    try {
      url = new URL(webhook.url);
    } catch {
      return { kind: 'permanent', error: `invalid webhook URL ${JSON.stringify(webhook.url)}` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { kind: 'permanent', error: `webhook URL must be http or https; got ${url.protocol}` };
    }
    try {
      webhookSecretKey(webhook.secret);
    } catch (err) {
      return { kind: 'permanent', error: `webhook secret is invalid: ${(err as Error).message}` };
    }
    // The socket skips the DNS lookup (and so the guard) for IP literals: judge them here.
    const addressClass = this.#allowPrivate ? null : classifyAddress(url.hostname);
    if (addressClass !== null)
      return {
        kind: 'permanent',
        error: new PrivateAddressError(url.hostname.replace(/^\[|\]$/g, ''), addressClass).message,
      };
    return undefined;
  }

  #failure(err: unknown): AttemptOutcome {
    const refused = findCause(err, (e): e is PrivateAddressError => e instanceof PrivateAddressError);
    if (refused) return { kind: 'permanent', error: refused.message };
    const name = (err as { name?: string } | null)?.name;
    if (
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      name === 'HeadersTimeoutError' ||
      name === 'BodyTimeoutError' ||
      name === 'ConnectTimeoutError'
    ) {
      return { kind: 'retry', error: `no answer within ${this.#timeoutMs} ms` };
    }
    return { kind: 'retry', error: describeError(err) };
  }
}

function findCause<T>(err: unknown, test: (e: unknown) => e is T): T | undefined {
  for (
    let e = err, depth = 0;
    e !== undefined && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (test(e)) return e;
  }
  return undefined;
}

/** `connect ECONNREFUSED 203.0.113.9:443` style text, with the code when the message lacks it. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: string }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const text = `${err.message}${cause}`;
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}
