import { z } from 'zod';
import { AlertPrioritySchema, AlertRuleTypeSchema } from './alert-rules';
import { ChainSchema, ProtocolIdSchema, TokenIdSchema, parseTokenId } from './ids';
import { ChangePercentSchema, PriceValueSchema, TvlValueSchema } from './observations';

// Events as the event processor and the alert engine publish them (DESIGN section 4).
// Unknown fields are stripped rather than refused: a newer producer may add one and an
// older consumer must keep working.

export const EVENT_TYPES = ['price_update', 'tvl_update', 'protocol_update', 'alert'] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/** Milliseconds since the Unix epoch. */
export const TimestampSchema = z.number().int().nonnegative();

export const PriceUpdateDataSchema = z
  .object({
    tokenId: TokenIdSchema,
    symbol: z.string().min(1).max(64),
    /** The chain when the price is for one chain's token; derivable from `<chain>:<address>` ids. */
    chain: ChainSchema.optional(),
    price: PriceValueSchema,
    previousPrice: PriceValueSchema,
    /** Signed percent: -2.5 means the price fell 2.5 %. */
    changePercent: ChangePercentSchema,
    /** DefiLlama's confidence score, 0..1. */
    confidence: z.number().min(0).max(1).optional(),
    decimals: z.number().int().min(0).max(255).optional(),
    timestamp: TimestampSchema,
  })
  .superRefine(checkTokenChain);
export type PriceUpdateData = z.infer<typeof PriceUpdateDataSchema>;

/**
 * A `<chain>:<address>` token lives on that chain; a different `chain` would publish the
 * price to the wrong `chain:<chain>:prices` channel. Shared by the event and the ingest schema.
 */
export function checkTokenChain(data: { tokenId: string; chain?: string | undefined }, ctx: z.RefinementCtx): void {
  const parsed = parseTokenId(data.tokenId);
  if (parsed.ok && parsed.chain !== undefined && data.chain !== undefined && data.chain !== parsed.chain) {
    ctx.addIssue({ code: 'custom', path: ['chain'], message: `must be '${parsed.chain}', the chain of the token id` });
  }
}

export const TvlUpdateDataSchema = z.object({
  protocolId: ProtocolIdSchema,
  protocolName: z.string().min(1).max(200),
  /** Absent: the protocol's total over all chains. Present: its TVL on that chain. */
  chain: ChainSchema.optional(),
  tvl: TvlValueSchema,
  previousTvl: TvlValueSchema,
  /** Signed percent. */
  changePercent: ChangePercentSchema,
  timestamp: TimestampSchema,
});
export type TvlUpdateData = z.infer<typeof TvlUpdateDataSchema>;

export const PROTOCOL_CHANGES = ['listed', 'delisted', 'metadata'] as const;

export const ProtocolUpdateDataSchema = z.object({
  protocolId: ProtocolIdSchema,
  protocolName: z.string().min(1).max(200),
  change: z.enum(PROTOCOL_CHANGES),
  /** The fields that changed, with their new values (all of them for `listed`). */
  fields: z.record(z.string(), z.unknown()),
});
export type ProtocolUpdateData = z.infer<typeof ProtocolUpdateDataSchema>;

export const AlertDataSchema = z.object({
  /** Unique per notification; deliveries are idempotent on it. */
  alertId: z.string().min(1).max(128),
  ruleId: z.string().min(1).max(128),
  /**
   * The rule's owner. Not in DESIGN section 4's list: it is what routes the alert to
   * `alerts:<ownerId>` and nowhere else (see channelsForEvent).
   */
  ownerId: z.string().min(1).max(256),
  type: AlertRuleTypeSchema,
  message: z.string().min(1).max(1000),
  priority: AlertPrioritySchema,
  /** The observed value: a price, a TVL, or a signed percent for *_change_pct rules. */
  value: z.number(),
  threshold: z.number(),
  timestamp: TimestampSchema,
});
export type AlertData = z.infer<typeof AlertDataSchema>;

const envelope = {
  /** Deterministic from the source record, so a re-ingested record is recognised and dropped. */
  eventId: z.string().min(1).max(200),
  /** Where the record came from: `defillama`, `ingest`, `postgres`, `simulator`, `alert-engine`. */
  source: z.string().min(1).max(64),
  timestamp: TimestampSchema,
};

export const PriceUpdateEventSchema = z.object({
  ...envelope,
  type: z.literal('price_update'),
  data: PriceUpdateDataSchema,
});
export const TvlUpdateEventSchema = z.object({ ...envelope, type: z.literal('tvl_update'), data: TvlUpdateDataSchema });
export const ProtocolUpdateEventSchema = z.object({
  ...envelope,
  type: z.literal('protocol_update'),
  data: ProtocolUpdateDataSchema,
});
export const AlertEventSchema = z.object({ ...envelope, type: z.literal('alert'), data: AlertDataSchema });

/** Any event, discriminated on `type`. */
export const EventEnvelopeSchema = z.discriminatedUnion('type', [
  PriceUpdateEventSchema,
  TvlUpdateEventSchema,
  ProtocolUpdateEventSchema,
  AlertEventSchema,
]);
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;
export type PriceUpdateEvent = z.infer<typeof PriceUpdateEventSchema>;
export type TvlUpdateEvent = z.infer<typeof TvlUpdateEventSchema>;
export type ProtocolUpdateEvent = z.infer<typeof ProtocolUpdateEventSchema>;
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** The `data` of one event type. */
export type EventData<T extends EventType = EventType> = Extract<EventEnvelope, { type: T }>['data'];

/** Each event type's data schema, for code that switches on the type. */
export const EVENT_DATA_SCHEMAS = {
  price_update: PriceUpdateDataSchema,
  tvl_update: TvlUpdateDataSchema,
  protocol_update: ProtocolUpdateDataSchema,
  alert: AlertDataSchema,
} as const satisfies Record<EventType, z.ZodType>;
