import type { ChannelEvent } from '../engine';

// "<offset>:<epoch>:<payload>", as built by the publishEvent script. A short text header
// instead of JSON so the payload (already JSON) is never re-encoded or re-parsed here.
const HEADER = /^([1-9]\d{0,14}):([A-Za-z0-9_-]{1,64}):/;

/**
 * Read one live message from Redis. Returns null for anything malformed: the message
 * comes from another process (or anyone with access to Redis), so it is validated at
 * this boundary and a bad one is dropped, never thrown into a subscriber.
 */
export function parseLiveMessage(channel: string, message: string): ChannelEvent | null {
  const header = HEADER.exec(message);
  if (!header) return null;
  const [prefix, offset = '', epoch = ''] = header;
  return { channel, position: { offset: Number(offset), epoch }, payload: message.slice(prefix.length) };
}
