import type { Database } from '@defi-realtime/db';
import type { Logger } from '@defi-realtime/runtime';

export interface ReferenceRefresherOptions {
  /** Time between refreshes: change_1h/1d/7d lag the clock by at most this. @default 60_000 */
  intervalMs?: number;
  logger: Logger;
}

/** Keyed by the schema: processes serving other schemas on the same server do not wait on us. */
const LOCK = `SELECT pg_try_advisory_xact_lock(hashtext('defi-realtime:refresh-references:' || current_schema())) AS locked`;

/**
 * Recompute the reference values (price/TVL 5m, 1h, 1d, 7d before the current point) once:
 * `refresh_reference_values()` from migration 002. When several query-api processes share a
 * database, the first to take the (transaction-scoped) advisory lock does it and the others
 * skip their turn. Resolves with the rows changed, or null when another process had the lock.
 */
export async function refreshReferenceValues(db: Database): Promise<number | null> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>(LOCK);
    if (!rows[0]?.locked) return null;
    const result = await tx.query<{ changed: number }>('SELECT refresh_reference_values() AS changed');
    return result.rows[0]?.changed ?? 0;
  });
}

/**
 * Run refreshReferenceValues now and then every `intervalMs` (never two at once), until
 * `stop()`, which waits for a refresh under way. A failed refresh is logged and retried at
 * the next interval.
 */
export function startReferenceRefresher(db: Database, options: ReferenceRefresherOptions): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 60_000;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new TypeError(`Invalid intervalMs option ${String(options.intervalMs)}: expected milliseconds > 0`);
  }
  const { logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = (): void => {
    running = (async () => {
      const started = performance.now();
      try {
        const changed = await refreshReferenceValues(db);
        logger.debug(
          { changed, ms: Math.round(performance.now() - started) },
          changed === null ? 'reference refresh skipped: another process has it' : 'reference values refreshed',
        );
      } catch (err) {
        logger.warn({ err }, 'reference refresh failed: retrying at the next interval');
      }
      if (!stopped) {
        timer = setTimeout(run, intervalMs);
        timer.unref();
      }
    })();
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
