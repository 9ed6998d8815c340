import { changeChannel, type Database, type Unlisten } from '@defi-realtime/db';
import type { Validated } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import { z } from 'zod';
import { toRecord, type ObservationRecord } from '../pipeline/records';

// The trigger sends the row as JSON (row_to_json): snake_case columns, ISO timestamps.
const PriceRowSchema = z.object({
  token_id: z.string(),
  ts: z.string(),
  price: z.number(),
  confidence: z.number().nullable().optional(),
});
const TvlRowSchema = z.object({ protocol_id: z.string(), chain: z.string(), ts: z.string(), tvl: z.number() });
const NOT_A_ROW: Validated<never> = {
  ok: false,
  error: { code: 'BAD_REQUEST', message: 'not a price_points or tvl_points row' },
};

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
  const handle = (rowRecord: (row: unknown) => Validated<ObservationRecord>) => (payload: string) => {
    let record: Validated<ObservationRecord>;
    try {
      record = rowRecord(JSON.parse(payload));
    } catch {
      record = NOT_A_ROW;
    }
    if (!record.ok) {
      logger.warn(
        { payload: payload.slice(0, 200), reason: record.error.message },
        'ignored a point notification that is not a valid row',
      );
      return;
    }
    const point = record.value;
    process([point]).catch((err: unknown) =>
      logger.error({ err, record: point }, 'point from PostgreSQL not published'),
    );
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

function priceRecord(raw: unknown): Validated<ObservationRecord> {
  const row = PriceRowSchema.safeParse(raw);
  if (!row.success) return NOT_A_ROW;
  return toRecord(
    'price',
    {
      tokenId: row.data.token_id,
      price: row.data.price,
      timestamp: Date.parse(row.data.ts),
      ...(row.data.confidence != null ? { confidence: row.data.confidence } : {}),
    },
    'postgres',
  );
}

function tvlRecord(raw: unknown): Validated<ObservationRecord> {
  const row = TvlRowSchema.safeParse(raw);
  if (!row.success) return NOT_A_ROW;
  return toRecord(
    'tvl',
    {
      protocolId: row.data.protocol_id,
      tvl: row.data.tvl,
      timestamp: Date.parse(row.data.ts),
      ...(row.data.chain ? { chain: row.data.chain } : {}),
    },
    'postgres',
  );
}
