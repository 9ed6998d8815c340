import { changeChannel, type Database, type Unlisten } from '@defi-realtime/db';
import { IngestPriceSchema, IngestTvlSchema } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import { z } from 'zod';
import type { ObservationRecord } from '../pipeline/records';

// The trigger sends the row as JSON (row_to_json): snake_case columns, ISO timestamps.
const PriceRowSchema = z.object({ token_id: z.string(), ts: z.string(), price: z.number(), confidence: z.number().nullable().optional() });
const TvlRowSchema = z.object({ protocol_id: z.string(), chain: z.string(), ts: z.string(), tvl: z.number() });

/**
 * Streams rows that other pipelines insert into `price_points` / `tvl_points`: the
 * triggers NOTIFY each row, and it goes through the same pipeline as ingested records
 * (so existing writers to PostgreSQL stream without change). Our own writes are silenced
 * in their transaction and never come back here.
 */
export async function listenForPointChanges(
  db: Database,
  process: (records: ObservationRecord[]) => Promise<unknown>,
  logger: Logger,
): Promise<() => Promise<void>> {
  const schema = db.schema;
  const handle = (toRecord: (row: unknown) => ObservationRecord | undefined) => (payload: string) => {
    let record: ObservationRecord | undefined;
    try {
      record = toRecord(JSON.parse(payload));
    } catch {
      record = undefined;
    }
    if (!record) {
      logger.warn({ payload: payload.slice(0, 200) }, 'ignored a point notification that is not a valid row');
      return;
    }
    process([record]).catch((err: unknown) => logger.error({ err, record }, 'point from PostgreSQL not published'));
  };
  const stops: Unlisten[] = [
    await db.listen(changeChannel('price_points', schema), handle(priceRecord)),
    await db.listen(changeChannel('tvl_points', schema), handle(tvlRecord)),
  ];
  logger.info({ schema }, 'streaming inserts into price_points and tvl_points');
  return async () => {
    for (const stop of stops) await stop();
  };
}

function priceRecord(raw: unknown): ObservationRecord | undefined {
  const row = PriceRowSchema.safeParse(raw);
  if (!row.success) return undefined;
  const parsed = IngestPriceSchema.safeParse({
    tokenId: row.data.token_id,
    price: row.data.price,
    timestamp: Date.parse(row.data.ts),
    ...(row.data.confidence != null ? { confidence: row.data.confidence } : {}),
  });
  return parsed.success ? { ...parsed.data, kind: 'price', origin: 'postgres' } : undefined;
}

function tvlRecord(raw: unknown): ObservationRecord | undefined {
  const row = TvlRowSchema.safeParse(raw);
  if (!row.success) return undefined;
  const parsed = IngestTvlSchema.safeParse({
    protocolId: row.data.protocol_id,
    tvl: row.data.tvl,
    timestamp: Date.parse(row.data.ts),
    ...(row.data.chain ? { chain: row.data.chain } : {}),
  });
  return parsed.success ? { ...parsed.data, kind: 'tvl', origin: 'postgres' } : undefined;
}
