import {
  IngestPriceSchema,
  IngestTvlSchema,
  validate,
  type IngestPrice,
  type IngestTvl,
  type Validated,
} from '@defi-realtime/protocol';

/** Where a record came from: decides whether it still has to be written to PostgreSQL. */
export type RecordOrigin = 'ingest' | 'postgres' | 'poller' | 'simulator';

export type PriceRecord = IngestPrice & { kind: 'price'; origin: RecordOrigin };
export type TvlRecord = IngestTvl & { kind: 'tvl'; origin: RecordOrigin };
export type ObservationRecord = PriceRecord | TvlRecord;

/**
 * Check one raw observation with the ingest schema of its kind and tag it. Every source
 * (HTTP ingest, PostgreSQL rows, the poller, the simulator) goes through here, so all
 * obey the same bounds on values and timestamps (libs/protocol observations.ts) and none
 * can publish an event the gateway would refuse, or a far-future record that makes every
 * later update of its token or protocol look stale.
 */
export function toRecord(kind: 'price' | 'tvl', raw: unknown, origin: RecordOrigin): Validated<ObservationRecord> {
  if (kind === 'price') {
    const price = validate(IngestPriceSchema, raw);
    return price.ok ? { ok: true, value: { ...price.value, kind, origin } } : price;
  }
  const tvl = validate(IngestTvlSchema, raw);
  return tvl.ok ? { ok: true, value: { ...tvl.value, kind, origin } } : tvl;
}

/** The key a record's ordering, cache and dedupe are per: one token, or one protocol on one chain. */
export function recordKey(record: ObservationRecord): string {
  return record.kind === 'price' ? `price:${record.tokenId}` : `tvl:${record.protocolId}:${record.chain ?? ''}`;
}
