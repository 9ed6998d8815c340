import { z } from 'zod';
import { TimestampSchema } from './events';
import { ChainSchema, ProtocolIdSchema, TokenIdSchema } from './ids';

/**
 * What producers send to the event processor's `POST /v1/ingest`: raw observations, not
 * events. The processor decides which ones are changes worth an event. Each record is
 * validated on its own, so one bad record is reported and the rest are accepted.
 */

/** Records in one batch (prices and TVL together). */
export const MAX_INGEST_RECORDS = 10_000;

/** One token's price at a moment. */
export const IngestPriceSchema = z.strictObject({
  tokenId: TokenIdSchema,
  price: z.number().nonnegative().finite(),
  /** Milliseconds since the epoch; seconds (< 10^11) are accepted and converted. */
  timestamp: z.number().positive().transform((t) => (t < 1e11 ? Math.round(t * 1000) : Math.round(t))).pipe(TimestampSchema),
  symbol: z.string().min(1).max(64).optional(),
  chain: ChainSchema.optional(),
  decimals: z.number().int().min(0).max(255).optional(),
  confidence: z.number().min(0).max(1).optional(),
});
export type IngestPrice = z.output<typeof IngestPriceSchema>;

/** One protocol's TVL at a moment, in total (no chain) or on one chain. */
export const IngestTvlSchema = z.strictObject({
  protocolId: ProtocolIdSchema,
  tvl: z.number().nonnegative().finite(),
  timestamp: z.number().positive().transform((t) => (t < 1e11 ? Math.round(t * 1000) : Math.round(t))).pipe(TimestampSchema),
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
  .refine((batch) => (batch.prices?.length ?? 0) + (batch.tvl?.length ?? 0) > 0, { error: 'expected at least one record in prices or tvl' })
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
