import { suppressChangeNotifications, type Database } from '@defi-realtime/db';
import type { Logger } from '@defi-realtime/runtime';
import type { ObservationRecord } from '../pipeline/records';
import { ReferenceWriter, ingestedReferences } from './reference-writer';

export interface PointWriterOptions {
  /** Points held while PostgreSQL is slow or down; past it, ingest is refused (503). @default 200_000 */
  maxBuffered?: number;
  /** Rows per INSERT: large batches amortize the round trip and the transaction. @default 10_000 */
  batchSize?: number;
  /** How often the buffer is written. @default 100 */
  flushMs?: number;
  logger: Logger;
}

/**
 * Writes observations to `price_points` / `tvl_points` in batches, off the publish
 * path: live events never wait on PostgreSQL. When a write fails the rows stay buffered
 * and are retried with backoff; the buffer is bounded and `hasRoom` tells ingest to
 * refuse new records before anything acknowledged could be lost. The token symbols and
 * protocol names that ingested records carry are stored in the same transaction, before
 * their points, so the REST API names what it serves whoever produced it.
 */
export class PointWriter {
  private buffer: ObservationRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  /** Points taken from the buffer by the write under way (still not stored). */
  private inFlight = 0;
  private readonly maxBuffered: number;
  private readonly batchSize: number;
  private readonly flushMs: number;
  written = 0;

  constructor(
    private readonly db: Database,
    private readonly options: PointWriterOptions,
  ) {
    this.maxBuffered = options.maxBuffered ?? 200_000;
    this.batchSize = options.batchSize ?? 10_000;
    this.flushMs = options.flushMs ?? 100;
  }

  /** Points not yet stored: waiting, or in the write under way. */
  get backlog(): number {
    return this.buffer.length + this.inFlight;
  }

  /** Whether `count` more points fit in the buffer. */
  hasRoom(count: number): boolean {
    return this.backlog + count <= this.maxBuffered;
  }

  add(records: ObservationRecord[]): void {
    for (const record of records) this.buffer.push(record);
    this.schedule(this.failures === 0 ? this.flushMs : backoffMs(this.failures));
  }

  /** Write everything now (at shutdown); throws when PostgreSQL will not take it. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) await this.writeOnce();
  }

  close(): Promise<void> {
    return this.flush().catch((err: unknown) => {
      this.options.logger.error({ err, points: this.buffer.length }, 'points not written at shutdown');
    });
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.buffer.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeOnce().then(
        () => this.schedule(this.flushMs),
        () => this.schedule(backoffMs(this.failures)),
      );
    }, delayMs);
    this.timer.unref();
  }

  private writeOnce(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.buffer.splice(0, this.batchSize);
    if (batch.length === 0) return;
    this.inFlight = batch.length;
    try {
      await this.db.transaction(async (tx) => {
        // These rows are already published: the NOTIFY trigger must not feed them back to us.
        await suppressChangeNotifications(tx);
        const references = ingestedReferences(batch);
        const reference = new ReferenceWriter(tx);
        await reference.writeTokens(references.tokens);
        await reference.writeProtocolNames(references.protocols);
        const prices = lastPerRow(batch.filter((r) => r.kind === 'price'));
        const tvl = lastPerRow(batch.filter((r) => r.kind === 'tvl'));
        if (prices.length) {
          await tx.query(
            `INSERT INTO price_points (token_id, ts, price, confidence, source)
             SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::text[])
             ON CONFLICT (token_id, ts) DO UPDATE SET price = EXCLUDED.price, confidence = EXCLUDED.confidence`,
            [
              prices.map((r) => r.tokenId),
              prices.map((r) => new Date(r.timestamp).toISOString()),
              prices.map((r) => r.price),
              prices.map((r) => r.confidence ?? null),
              prices.map((r) => r.origin),
            ],
          );
        }
        if (tvl.length) {
          await tx.query(
            `INSERT INTO tvl_points (protocol_id, chain, ts, tvl)
             SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[])
             ON CONFLICT (protocol_id, chain, ts) DO UPDATE SET tvl = EXCLUDED.tvl`,
            [
              tvl.map((r) => r.protocolId),
              tvl.map((r) => r.chain ?? ''),
              tvl.map((r) => new Date(r.timestamp).toISOString()),
              tvl.map((r) => r.tvl),
            ],
          );
        }
      });
      this.inFlight = 0;
      this.written += batch.length;
      if (this.failures > 0) this.options.logger.info({ failures: this.failures }, 'point writes recovered');
      this.failures = 0;
    } catch (err) {
      this.inFlight = 0;
      this.buffer.unshift(...batch); // back to the front: order kept, nothing lost
      this.failures += 1;
      this.options.logger.warn(
        { err, backlog: this.buffer.length, failures: this.failures },
        'point write failed: will retry',
      );
      throw err;
    }
  }
}

/** One record per primary key, the last one (an upsert may not touch a row twice in one statement). */
function lastPerRow<R extends ObservationRecord>(records: R[]): R[] {
  const rows = new Map<string, R>();
  for (const r of records)
    rows.set(r.kind === 'price' ? `${r.tokenId}|${r.timestamp}` : `${r.protocolId}|${r.chain ?? ''}|${r.timestamp}`, r);
  return rows.size === records.length ? records : [...rows.values()];
}

function backoffMs(failures: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
}
