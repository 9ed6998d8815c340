import type { Position } from '@defi-realtime/protocol';
import type { ChannelEvent } from '../engine';

/** What the readHistory script returned, typed. */
export interface HistoryReply {
  top: Position;
  /** In the order the script read them (oldest first after `since`, newest first for the latest). */
  events: ChannelEvent[];
}

/** Parse `{epoch, top, entries}` from readHistory; throws on a shape our script never returns. */
export function parseHistoryReply(channel: string, reply: unknown): HistoryReply {
  if (!Array.isArray(reply) || reply.length !== 3) throw unexpected(reply);
  const [epoch, top, entries] = reply as [unknown, unknown, unknown];
  if (typeof epoch !== 'string' || typeof top !== 'number' || !Array.isArray(entries)) throw unexpected(reply);
  return { top: { offset: top, epoch }, events: entries.map((entry) => parseEntry(channel, epoch, entry)) };
}

/** Parse `[offset, epoch]` from publishEvent. */
export function parsePublishReply(reply: unknown): Position {
  if (Array.isArray(reply) && typeof reply[0] === 'number' && typeof reply[1] === 'string') {
    return { offset: reply[0], epoch: reply[1] };
  }
  throw unexpected(reply);
}

// A stream entry: ["<offset>-0", ["p", payload]].
function parseEntry(channel: string, epoch: string, entry: unknown): ChannelEvent {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) throw unexpected(entry);
  const fields = entry[1] as unknown[];
  const at = fields.indexOf('p');
  const payload = at >= 0 ? fields[at + 1] : undefined;
  const offset = Number.parseInt(entry[0], 10);
  if (typeof payload !== 'string' || !Number.isSafeInteger(offset)) throw unexpected(entry);
  return { channel, position: { offset, epoch }, payload };
}

function unexpected(value: unknown): Error {
  return new Error(`Unexpected reply from a Redis engine script: ${JSON.stringify(value)?.slice(0, 200)}`);
}
