import { z } from 'zod';
import { checkTokenChain } from './events';
import { ChainSchema, ProtocolIdSchema, TokenIdSchema } from './ids';
import { IngestTimestampSchema, PriceValueSchema, TvlValueSchema } from './observations';

/**
 * What producers send to the event processor's `POST /v1/ingest`: raw observations, not
 * events. The processor decides which ones are changes worth an event. Each record is
 * validated on its own, so one bad record is reported and the rest are accepted. Values
 * and timestamps are bounded (observations.ts) by the same schemas the events use.
 */

/** Records in one batch (prices and TVL together). */
export const MAX_INGEST_RECORDS = 10_000;

/** One token's price at a moment. */
export const IngestPriceSchema = z
  .strictObject({
    tokenId: TokenIdSchema,
    price: PriceValueSchema,
    /** Milliseconds since the epoch; seconds (< 10^11) are accepted and converted. From 2009 to 5 minutes ahead. */
    timestamp: IngestTimestampSchema,
    symbol: z.string().min(1).max(64).optional(),
    chain: ChainSchema.optional(),
    decimals: z.number().int().min(0).max(255).optional(),
    confidence: z.number().min(0).max(1).optional(),
  })
  .superRefine(checkTokenChain);
export type IngestPrice = z.output<typeof IngestPriceSchema>;

/** One protocol's TVL at a moment, in total (no chain) or on one chain. */
export const IngestTvlSchema = z.strictObject({
  protocolId: ProtocolIdSchema,
  tvl: TvlValueSchema,
  timestamp: IngestTimestampSchema,
  name: z.string().min(1).max(200).optional(),
  chain: ChainSchema.optional(),
});
export type IngestTvl = z.output<typeof IngestTvlSchema>;

/**
 * The batch's outer shape only; records are checked one by one with the schemas above
 * so the response can say which record failed and why.
 */
export const IngestBatchSchema = z
  .strictObject({
    prices: z.array(z.unknown()).optional(),
    tvl: z.array(z.unknown()).optional(),
  })
  .refine((batch) => (batch.prices?.length ?? 0) + (batch.tvl?.length ?? 0) > 0, {
    error: 'expected at least one record in prices or tvl',
  })
  .refine((batch) => (batch.prices?.length ?? 0) + (batch.tvl?.length ?? 0) <= MAX_INGEST_RECORDS, {
    error: `expected at most ${MAX_INGEST_RECORDS} records per batch`,
  });
export type IngestBatch = z.output<typeof IngestBatchSchema>;

/** Why one record was refused: which list, which index, which field, and the reason. */
export interface IngestRejection {
  kind: 'price' | 'tvl';
  index: number;
  field?: string;
  reason: string;
}

/** The response of `POST /v1/ingest`. */
export interface IngestResult {
  accepted: number;
  /** Accepted records that made an event (a change past the thresholds, or a first value). */
  events: number;
  /** Accepted records that repeated a known observation (same id and timestamp): dropped once. */
  duplicates: number;
  rejected: IngestRejection[];
}
