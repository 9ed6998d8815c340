import type { QueueEntry } from '../queue';

/*
 * Replies from Redis, checked rather than cast: a shape we did not expect (another
 * client wrote the stream, a Redis version answers differently) fails loudly here.
 */

/**
 * XREADGROUP ... STREAMS <one key> >: null (nothing arrived), or
 * `[[key, [[id, [field, value, ...]], ...]]]`. New entries are first deliveries.
 */
export function readReply(reply: unknown): QueueEntry[] {
  if (reply === null) return [];
  const entries = (reply as unknown[][] | undefined)?.[0]?.[1];
  if (!Array.isArray(entries)) throw new TypeError(`unexpected XREADGROUP reply: ${preview(reply)}`);
  return entries.map((raw) => {
    const [id, fields] = raw as [unknown, unknown];
    if (typeof id !== 'string') throw new TypeError(`unexpected XREADGROUP entry: ${preview(raw)}`);
    return { id, payload: payloadOf(fields), deliveries: 1 };
  });
}

/** The claimStale script: `[cursor, id, payload, deliveries, id, ...]`. */
export function claimReply(reply: unknown): { cursor: string; entries: QueueEntry[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || (reply.length - 1) % 3 !== 0) {
    throw new TypeError(`unexpected claimStale reply: ${preview(reply)}`);
  }
  const entries: QueueEntry[] = [];
  for (let i = 1; i < reply.length; i += 3) {
    entries.push({ id: String(reply[i]), payload: String(reply[i + 1]), deliveries: Number(reply[i + 2]) });
  }
  return { cursor: reply[0], entries };
}

/** The value of field `p` (the only one the queue writes); '' when absent. */
function payloadOf(fields: unknown): string {
  if (!Array.isArray(fields)) return '';
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'p') return String(fields[i + 1]);
  return '';
}

function preview(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 200) ?? String(value);
}
