import type { Database, Unlisten } from '@defi-realtime/db';
import type { Logger } from '@defi-realtime/runtime';
import { z } from 'zod';
import type { QueryApiMetrics } from '../metrics';
import { ALL_TAGS, type ResponseCache } from './response-cache';

/** The payload of `<schema>.data_changed` (migration 002): the tags of the rows a statement changed. */
const DataChangedSchema = z.object({ tags: z.array(z.string().min(1)) });

/** The channel migration 002 announces changes on, for the database's schema. */
export function dataChangedChannel(db: Database): string {
  return `${db.schema}.data_changed`;
}

/**
 * LISTEN to `<schema>.data_changed` and invalidate the tags of every notification. A
 * payload that does not parse invalidates everything (`*`): serving a stale answer is
 * worse than recomputing. Resolves once notifications will arrive; returns the unlisten.
 */
export async function invalidateOnDataChanges(
  db: Database,
  cache: ResponseCache,
  options: { logger: Logger; metrics: QueryApiMetrics },
): Promise<Unlisten> {
  const { logger, metrics } = options;
  return db.listen(dataChangedChannel(db), (payload) => {
    let tags: readonly string[];
    try {
      tags = DataChangedSchema.parse(JSON.parse(payload)).tags;
    } catch (err) {
      logger.warn(
        { err, payload: payload.slice(0, 200) },
        'data_changed payload not understood: invalidating every cached answer',
      );
      tags = [ALL_TAGS];
    }
    metrics.cacheInvalidations.inc();
    // invalidate never rejects: a failure is remembered and applied before the next hit.
    void cache.invalidate(tags);
  });
}
