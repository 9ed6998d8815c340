import type { IngestPrice, IngestTvl } from '@defi-realtime/protocol';

/** Where a record came from: decides whether it still has to be written to PostgreSQL. */
export type RecordOrigin = 'ingest' | 'postgres' | 'poller' | 'simulator';

export type PriceRecord = IngestPrice & { kind: 'price'; origin: RecordOrigin };
export type TvlRecord = IngestTvl & { kind: 'tvl'; origin: RecordOrigin };
export type ObservationRecord = PriceRecord | TvlRecord;

/** The key a record's ordering, cache and dedupe are per: one token, or one protocol on one chain. */
export function recordKey(record: ObservationRecord): string {
  return record.kind === 'price' ? `price:${record.tokenId}` : `tvl:${record.protocolId}:${record.chain ?? ''}`;
}
