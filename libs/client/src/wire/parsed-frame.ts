import type { ServerMessage } from '@defi-realtime/protocol';

/** A server frame after the boundary check: a message, a frame to report, or (no `error`) one to skip. */
export type ParsedFrame = { ok: true; message: ServerMessage } | { ok: false; error?: string };

/**
 * Turns one text frame into a server message. Frames of an unknown `type` (a newer
 * server) are skipped silently; malformed frames of a known type are reported.
 */
export type ServerMessageParser = (text: string) => ParsedFrame;

/** Parse JSON without throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
