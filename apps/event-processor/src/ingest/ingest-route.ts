import { staticBearerMatches } from '@defi-realtime/auth';
import {
  IngestBatchSchema,
  ProtocolError,
  validate,
  type IngestRejection,
  type IngestResult,
} from '@defi-realtime/protocol';
import type { FastifyInstance } from 'fastify';
import { PublishError } from '../pipeline/pipeline';
import { toRecord, type ObservationRecord } from '../pipeline/records';
import { BacklogFullError, type Processor } from '../processor';

/** Largest accepted ingest body: 10,000 records of ~300 bytes with room to spare. */
export const MAX_INGEST_BYTES = 8 * 1024 * 1024;

/**
 * `POST /v1/ingest`: a batch of price and TVL observations, bearer-token authenticated.
 * Records are validated one by one, values and timestamps bounded (docs/ingest.md): the
 * answer lists each rejected record with its field and reason, and the others are
 * processed. 503 (nothing acknowledged) when the
 * engine does not take the events or PostgreSQL is too far behind.
 */
export function registerIngestRoute(app: FastifyInstance, processor: Processor, token: string | undefined): void {
  app.post('/v1/ingest', { bodyLimit: MAX_INGEST_BYTES }, async (req, reply) => {
    if (!token) throw new ProtocolError('UNAUTHORIZED', 'ingest is disabled on this server: set INGEST_TOKEN');
    if (!staticBearerMatches(req.headers, token))
      throw new ProtocolError('UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer <INGEST_TOKEN>)');
    const batch = validate(IngestBatchSchema, req.body);
    if (!batch.ok)
      throw new ProtocolError(
        'BAD_REQUEST',
        batch.error.message,
        batch.error.field ? { field: batch.error.field } : {},
      );

    const rejected: IngestRejection[] = [];
    const records: ObservationRecord[] = [];
    const check = (kind: 'price' | 'tvl') => (raw: unknown, index: number) => {
      const r = toRecord(kind, raw, 'ingest');
      if (r.ok) records.push(r.value);
      else rejected.push({ kind, index, ...(r.error.field ? { field: r.error.field } : {}), reason: r.error.message });
    };
    (batch.value.prices ?? []).forEach(check('price'));
    (batch.value.tvl ?? []).forEach(check('tvl'));

    let outcomes;
    try {
      outcomes = await processor.process(records);
    } catch (err) {
      if (err instanceof PublishError || err instanceof BacklogFullError) {
        req.log.warn({ err }, 'ingest refused');
        return reply
          .code(503)
          .header('retry-after', '1')
          .send({
            code: 'UNAVAILABLE',
            message: `${err.message}; nothing from this batch was accepted, send it again`,
          });
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
