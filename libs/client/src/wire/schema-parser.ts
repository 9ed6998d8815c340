import { SERVER_MESSAGE_TYPES, ServerMessageSchema, describeZodError } from '@defi-realtime/protocol';
import { parseJson, type ParsedFrame } from './parsed-frame';

const KNOWN = new Set<unknown>(SERVER_MESSAGE_TYPES);

/** Full validation with the protocol's zod schemas (the Node entry's parser). */
export function parseWithSchemas(text: string): ParsedFrame {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, error: 'the frame is not JSON' };
  const type = (json.value as { type?: unknown } | null)?.type;
  if (!KNOWN.has(type)) return { ok: false };
  const result = ServerMessageSchema.safeParse(json.value);
  return result.success
    ? { ok: true, message: result.data }
    : { ok: false, error: `${String(type)}: ${describeZodError(result.error).message}` };
}
