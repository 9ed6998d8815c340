import { randomBytes } from 'node:crypto';
import type { DeliveryChannel } from '@defi-realtime/protocol';
import type { StoredChannel } from './stored-rule';

/** Standard Webhooks secrets start with this; the rest is the base64 signing key. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Key length: 24 random bytes (192 bits), within Standard Webhooks' 24-64 byte range. */
export const WEBHOOK_SECRET_BYTES = 24;
/** Reads show this many leading characters of a secret, enough to tell two apart, never enough to sign. */
export const SECRET_PREFIX_LENGTH = 10;

/** A new signing secret: `whsec_<base64 of 24 random bytes>`. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(WEBHOOK_SECRET_BYTES).toString('base64');
}

/** What reads show of a secret: its first 10 characters (`whsec_AbCd`). */
export function secretPrefix(secret: string): string {
  return secret.slice(0, SECRET_PREFIX_LENGTH);
}

/** Stored channels, and the secrets made for them (shown in this one response, never again). */
export interface ChannelsWithSecrets {
  channels: StoredChannel[];
  /** Secrets generated now: the response reveals these and only these. */
  revealed: Set<string>;
}

/**
 * The stored form of the channels a user sent. A webhook whose URL the rule already had
 * keeps its secret (the receiver keeps verifying without a change); a new URL gets a new
 * one. Restating a channel also clears `disabledAt`: sending the list again is how a user
 * says an endpoint that answered 410 Gone works again.
 */
export function attachSecrets(
  channels: readonly DeliveryChannel[],
  previous: readonly StoredChannel[] = [],
): ChannelsWithSecrets {
  const known = new Map<string, string>();
  for (const channel of previous) if (channel.type === 'webhook') known.set(channel.url, channel.secret);
  const revealed = new Set<string>();
  const stored = channels.map((channel): StoredChannel => {
    if (channel.type !== 'webhook') return { ...channel };
    let secret = known.get(channel.url);
    if (secret === undefined) {
      secret = newWebhookSecret();
      revealed.add(secret);
    }
    return { type: 'webhook', url: channel.url, secret };
  });
  return { channels: stored, revealed };
}

/**
 * The index of the first channel that repeats an earlier one (same websocket, webhook URL
 * or email address, case-insensitively for emails) and the index it repeats, or null.
 * A repeat would deliver every alert twice to the same place.
 */
export function findDuplicateChannel(channels: readonly DeliveryChannel[]): { index: number; first: number } | null {
  const seen = new Map<string, number>();
  for (const [index, channel] of channels.entries()) {
    const key =
      channel.type === 'websocket'
        ? 'websocket'
        : channel.type === 'webhook'
          ? `webhook:${channel.url}`
          : `email:${channel.to.toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) return { index, first };
    seen.set(key, index);
  }
  return null;
}
