import { staticBearerMatches } from '@defi-realtime/auth';
import {
  IngestBatchSchema,
  IngestPriceSchema,
  IngestTvlSchema,
  ProtocolError,
  validate,
  type IngestRejection,
  type IngestResult,
} from '@defi-realtime/protocol';
import type { FastifyInstance } from 'fastify';
import { PublishError } from '../pipeline/pipeline';
import type { ObservationRecord } from '../pipeline/records';
import { BacklogFullError, type Processor } from '../processor';

/** Largest accepted ingest body: 10,000 records of ~300 bytes with room to spare. */
export const MAX_INGEST_BYTES = 8 * 1024 * 1024;

/**
 * `POST /v1/ingest`: a batch of price and TVL observations, bearer-token authenticated.
 * Records are validated one by one: the answer lists each rejected record with its
 * field and reason, and the others are processed. 503 (nothing acknowledged) when the
 * engine does not take the events or PostgreSQL is too far behind.
 */
export function registerIngestRoute(app: FastifyInstance, processor: Processor, token: string | undefined): void {
  app.post('/v1/ingest', { bodyLimit: MAX_INGEST_BYTES }, async (req, reply) => {
    if (!token) throw new ProtocolError('UNAUTHORIZED', 'ingest is disabled on this server: set INGEST_TOKEN');
    if (!staticBearerMatches(req.headers, token)) throw new ProtocolError('UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer <INGEST_TOKEN>)');
    const batch = validate(IngestBatchSchema, req.body);
    if (!batch.ok) throw new ProtocolError('BAD_REQUEST', batch.error.message, batch.error.field ? { field: batch.error.field } : {});

    const rejected: IngestRejection[] = [];
    const records: ObservationRecord[] = [];
    (batch.value.prices ?? []).forEach((raw, index) => {
      const r = validate(IngestPriceSchema, raw);
      if (r.ok) records.push({ ...r.value, kind: 'price', origin: 'ingest' });
      else rejected.push({ kind: 'price', index, ...(r.error.field ? { field: r.error.field } : {}), reason: r.error.message });
    });
    (batch.value.tvl ?? []).forEach((raw, index) => {
      const r = validate(IngestTvlSchema, raw);
      if (r.ok) records.push({ ...r.value, kind: 'tvl', origin: 'ingest' });
      else rejected.push({ kind: 'tvl', index, ...(r.error.field ? { field: r.error.field } : {}), reason: r.error.message });
    });

    let outcomes;
    try {
      outcomes = await processor.process(records);
    } catch (err) {
      if (err instanceof PublishError || err instanceof BacklogFullError) {
        req.log.warn({ err }, 'ingest refused');
        return reply.code(503).header('retry-after', '1').send({ code: 'UNAVAILABLE', message: `${err.message}; nothing from this batch was accepted, send it again` });
      }
      throw err;
    }
    const result: IngestResult = {
      accepted: records.length,
      events: outcomes.filter((o) => o === 'event').length,
      duplicates: outcomes.filter((o) => o === 'duplicate').length,
      rejected,
    };
    return reply.code(rejected.length > 0 && records.length === 0 ? 400 : 200).send(result);
  });
}
