import {
  CLIENT_MESSAGE_SCHEMAS,
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  isClientMessageType,
} from './client-messages';
import { type BadRequest, WIRE_PARSE_OPTIONS, describeZodError } from './issues';
import { type ClientMessageId, ClientMessageIdSchema } from './message-id';

// The one entry point for a client frame. It never throws: whatever arrives, the gateway
// gets either a message it can trust or an error it can send back as is, and the
// connection stays up (DESIGN section 3: malformed JSON or schema -> BAD_REQUEST).

/** A BAD_REQUEST for one client frame, echoing its `id` when it had a usable one. */
export interface ClientMessageError extends BadRequest {
  id?: ClientMessageId;
}

export type ParseClientMessageResult = { ok: true; message: ClientMessage } | { ok: false; error: ClientMessageError };

const TYPE_LIST = CLIENT_MESSAGE_TYPES.join(', ');
const decoder = new TextDecoder('utf-8');

/**
 * Parses one client frame: a text frame's string, a Buffer/Uint8Array/ArrayBuffer of
 * UTF-8 JSON, or a value already parsed from JSON (e.g. a Lambda event body).
 * Accepts `action` as an alias of `type`; returns the message with `type` only.
 */
export function parseClientMessage(raw: unknown): ParseClientMessageResult {
  try {
    return parse(raw);
  } catch {
    // Nothing above should throw; if something does (a hostile getter on an object
    // passed in directly), the client still gets an answer instead of a dropped socket.
    return failure({ message: 'message could not be read' });
  }
}

function parse(raw: unknown): ParseClientMessageResult {
  const decoded = decode(raw);
  if (!decoded.ok) return failure({ message: decoded.message });
  const value = decoded.value;
  if (!isPlainObject(value)) {
    return failure({ message: `expected a JSON object with a "type" field, got ${kindOf(value)}` });
  }

  const idResult = value['id'] === undefined ? undefined : ClientMessageIdSchema.safeParse(value['id']);
  const id = idResult?.success ? idResult.data : undefined;

  const { action, ...rest } = value;
  const typeField = rest['type'] === undefined && action !== undefined ? 'action' : 'type';
  const type = typeField === 'action' ? action : rest['type'];
  if (action !== undefined && typeField === 'type' && action !== type) {
    return failure(
      { message: 'action: must equal type when both are given (action is an alias of type)', field: 'action' },
      id,
    );
  }
  if (type === undefined) {
    return failure({ message: `type: required, one of ${TYPE_LIST}`, field: 'type' }, id);
  }
  if (!isClientMessageType(type)) {
    const message = `${typeField}: unknown message type ${preview(type)}; expected one of ${TYPE_LIST}`;
    return failure({ message, field: typeField }, id);
  }

  const result = CLIENT_MESSAGE_SCHEMAS[type].safeParse({ ...rest, type }, WIRE_PARSE_OPTIONS);
  if (result.success) return { ok: true, message: result.data };
  const { message, field } = describeZodError(result.error);
  return failure(field === undefined ? { message } : { message, field }, id);
}

type Decoded = { ok: true; value: unknown } | { ok: false; message: string };

function decode(raw: unknown): Decoded {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) text = decoder.decode(raw);
  else if (raw instanceof ArrayBuffer) text = decoder.decode(new Uint8Array(raw));
  else return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'frame is not JSON: send one JSON object per text frame' };
  }
}

function failure(error: { message: string; field?: string }, id?: ClientMessageId): ParseClientMessageResult {
  return { ok: false, error: { code: 'BAD_REQUEST', ...error, ...(id === undefined ? {} : { id }) } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing';
  return `a ${typeof value}`;
}

/** A short, safe rendering of a client's value for an error message. */
function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
