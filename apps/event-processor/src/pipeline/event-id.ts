import { createHash } from 'node:crypto';
import { recordKey, type ObservationRecord } from './records';

/**
 * The event id of a record, from the record alone (kind, id, chain, timestamp, value):
 * the same observation ingested twice, by any source or process, gets the same id.
 */
export function eventIdOf(record: ObservationRecord): string {
  const value = record.kind === 'price' ? record.price : record.tvl;
  return createHash('sha256')
    .update(`${recordKey(record)}|${record.timestamp}|${value}`)
    .digest('base64url')
    .slice(0, 22);
}
