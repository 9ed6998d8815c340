import { z } from 'zod';
import { EVENT_TYPES, TimestampSchema } from '@defi-realtime/protocol';

/** A price or TVL value from one event, as the evaluator sees it. */
export interface TargetObservation {
  kind: 'price' | 'tvl';
  eventId: string;
  /** tokenId for prices, protocolId for TVL. */
  id: string;
  /** Absent: any chain (prices) or the protocol's total (TVL). */
  chain: string | undefined;
  /** Symbol or protocol name, for the message. */
  label: string;
  value: number;
  /** The observation time (the event data's timestamp, as stored in price_points/tvl_points). */
  ts: number;
}

/** Why an entry gave no observation (the `outcome` label of alert_events_evaluated_total). */
export type EntryOutcome = 'malformed' | 'unknown_type' | 'ignored_type';

export type ParsedEntry =
  { ok: true; observation: TargetObservation } | { ok: false; outcome: EntryOutcome; reason: string };

// Only the fields evaluation reads: checking every field of the wire schema would cost
// more than evaluating the rules of most events. Unknown fields are stripped.
const base = { eventId: z.string().min(1).max(200) };
const chain = z.string().min(1).max(64).optional();
const PriceEntrySchema = z.object({
  ...base,
  data: z.object({
    tokenId: z.string().min(1).max(200),
    symbol: z.string().min(1).max(64),
    chain,
    price: z.number().nonnegative(),
    timestamp: TimestampSchema,
  }),
});
const TvlEntrySchema = z.object({
  ...base,
  data: z.object({
    protocolId: z.string().min(1).max(200),
    protocolName: z.string().min(1).max(200),
    chain,
    tvl: z.number().nonnegative(),
    timestamp: TimestampSchema,
  }),
});

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/**
 * One events-stream entry (an event envelope as JSON) -> the observation evaluation needs,
 * or why there is none. Never throws: a bad entry is counted and skipped, never retried.
 */
export function parseEntry(payload: string): ParsedEntry {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, outcome: 'malformed', reason: 'not JSON' };
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type === 'price_update') {
    const parsed = PriceEntrySchema.safeParse(json);
    if (!parsed.success) return invalid(parsed.error);
    const { eventId, data } = parsed.data;
    return {
      ok: true,
      observation: {
        kind: 'price',
        eventId,
        id: data.tokenId,
        chain: data.chain,
        label: data.symbol,
        value: data.price,
        ts: data.timestamp,
      },
    };
  }
  if (type === 'tvl_update') {
    const parsed = TvlEntrySchema.safeParse(json);
    if (!parsed.success) return invalid(parsed.error);
    const { eventId, data } = parsed.data;
    return {
      ok: true,
      observation: {
        kind: 'tvl',
        eventId,
        id: data.protocolId,
        chain: data.chain,
        label: data.protocolName,
        value: data.tvl,
        ts: data.timestamp,
      },
    };
  }
  if (typeof type === 'string' && KNOWN_TYPES.has(type)) return { ok: false, outcome: 'ignored_type', reason: type };
  return {
    ok: false,
    outcome: typeof type === 'string' ? 'unknown_type' : 'malformed',
    reason: `type ${JSON.stringify(type)}`,
  };
}

function invalid(error: z.ZodError): ParsedEntry {
  const issue = error.issues[0];
  return { ok: false, outcome: 'malformed', reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}
