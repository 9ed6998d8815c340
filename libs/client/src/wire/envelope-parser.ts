import type { ServerMessage } from '@defi-realtime/protocol';
import { parseJson, type ParsedFrame } from './parsed-frame';

// The browser entry's parser. The protocol's zod schemas weigh about 90 KB gzipped, six
// times this whole SDK, so the browser checks what the client's own logic relies on
// (types, channels, positions, results, welcome) and passes each event's `data` through
// as the server sent it. The Node entry validates everything (schema-parser.ts).

type Check = (m: Record<string, unknown>) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isPosition = (v: unknown): boolean => isObject(v) && isCount(v.offset) && isString(v.epoch) && v.epoch.length > 0;
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

const isData: Check = (m) => isString(m.channel) && isPosition(m.position) && isCount(m.timestamp) && isObject(m.data);
const isResult = (r: unknown): boolean =>
  isObject(r) &&
  isString(r.channel) &&
  (r.status === 'subscribed' || r.status === 'unsubscribed' || r.status === 'error') &&
  optional(r.position, isPosition) &&
  optional(r.recovered, (v) => typeof v === 'boolean') &&
  optional(r.error, (e) => isObject(e) && isString(e.code) && isString(e.message));

const CHECKS: Record<ServerMessage['type'], Check> = {
  welcome: (m) =>
    isString(m.connectionId) &&
    isString(m.resumeToken) &&
    isCount(m.heartbeatMs) &&
    (m.heartbeatMs as number) > 0 &&
    isObject(m.limits),
  subscription_result: (m) => Array.isArray(m.results) && m.results.every(isResult),
  price_update: isData,
  tvl_update: isData,
  protocol_update: isData,
  alert: isData,
  snapshot: (m) => isString(m.channel) && Array.isArray(m.data) && optional(m.position, isPosition),
  pong: (m) => isCount(m.timestamp),
  error: (m) => isString(m.code) && isString(m.message),
  system_announcement: (m) => isObject(m.data) && isString(m.data.message),
};

/** Structural checks of the fields the client relies on; `data` payloads are passed through unchecked. */
export function parseEnvelope(text: string): ParsedFrame {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, error: 'the frame is not JSON' };
  const message = json.value;
  if (!isObject(message) || !isString(message.type) || !Object.hasOwn(CHECKS, message.type)) return { ok: false };
  const type = message.type as ServerMessage['type'];
  return CHECKS[type](message)
    ? { ok: true, message: message as unknown as ServerMessage }
    : { ok: false, error: `${type}: unexpected shape` };
}
