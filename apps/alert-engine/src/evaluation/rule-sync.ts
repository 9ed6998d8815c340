import { z } from 'zod';
import type { Database, Logger } from '@defi-realtime/db';
import { RULE_COLUMNS, loadEnabledRules, toStoredRule } from '../rules/stored-rule';
import type { RuleIndex } from './rule-index';

export interface RuleSyncOptions {
  /**
   * Full reload period: a safety net for notifications lost while the LISTEN connection
   * was down (PostgreSQL does not replay them). 0 disables it. The worker passes
   * EVALUATION_DEFAULTS.rulesReloadMs unless told otherwise.
   */
  reloadMs: number;
  /** Called with the ids of rules that no longer exist, so their state can be deleted. */
  onDeleted?: (ids: string[]) => Promise<void>;
  logger: Logger;
}

/** Keeps a RuleIndex equal to the enabled rules in PostgreSQL. */
export interface RuleSync {
  /** Reload every enabled rule now (what the timer does). */
  reload(): Promise<void>;
  /** Resolves once every change notified so far is in the index (tests, shutdown). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** The trigger's payload (libs/db/migrations/003_alert_rule_changes.sql). */
const ChangeSchema = z.object({ op: z.enum(['INSERT', 'UPDATE', 'DELETE']), id: z.uuid() });

/** At most this many rule ids per refresh query. */
const REFRESH_CHUNK = 1_000;

/**
 * Load the enabled rules into `index` and keep it current: LISTEN on
 * `<schema>.alert_rules` (the changed rule is re-read by id; disabled or deleted ->
 * removed), plus a full reload every `reloadMs`. LISTEN starts before the first load, so
 * no change made in between is missed.
 */
export async function startRuleSync(db: Database, index: RuleIndex, options: RuleSyncOptions): Promise<RuleSync> {
  const { logger } = options;
  const { reloadMs } = options;
  const pending = new Set<string>();
  /** Ids notified while a full reload ran: its snapshot may predate them. */
  let touchedDuringReload: Set<string> | undefined;
  let draining: Promise<void> = Promise.resolve();
  let drainingNow = false;
  let stopped = false;

  const drain = async (): Promise<void> => {
    while (pending.size > 0 && !stopped) {
      const ids = [...pending].slice(0, REFRESH_CHUNK);
      for (const id of ids) pending.delete(id);
      try {
        await refresh(ids);
      } catch (err) {
        // Retried by the next notification or the full reload; never fatal.
        logger.error({ err, rules: ids.length }, 'alert rules refresh failed');
      }
    }
  };
  const schedule = (): void => {
    if (drainingNow || stopped) return;
    drainingNow = true;
    draining = drain().finally(() => {
      drainingNow = false;
      // A notification that arrived between the loop's last check and here.
      if (pending.size > 0) schedule();
    });
  };

  const refresh = async (ids: string[]): Promise<void> => {
    const { rows } = await db.query<Parameters<typeof toStoredRule>[0]>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const found = new Set<string>();
    for (const row of rows) {
      const rule = toStoredRule(row);
      found.add(rule.id);
      index.upsert(rule); // a disabled rule is removed by upsert
    }
    const deleted = ids.filter((id) => !found.has(id));
    for (const id of deleted) index.remove(id);
    if (deleted.length > 0) await options.onDeleted?.(deleted);
  };

  const reload = async (): Promise<void> => {
    touchedDuringReload = new Set();
    try {
      const before = new Set(index.ids());
      const rules = await loadEnabledRules(db);
      index.replaceAll(rules);
      for (const rule of rules) before.delete(rule.id);
      // Gone from the enabled set: disabled (state kept) or deleted (state dropped).
      if (before.size > 0) for (const id of before) pending.add(id);
      for (const id of touchedDuringReload) pending.add(id);
    } finally {
      touchedDuringReload = undefined;
    }
    schedule();
  };

  const unlisten = await db.listen(`${db.schema}.alert_rules`, (payload) => {
    const change = parseChange(payload);
    if (!change) {
      logger.warn({ payload: payload.slice(0, 200) }, 'alert rule notification ignored: not {op, id}');
      return;
    }
    touchedDuringReload?.add(change.id);
    pending.add(change.id);
    schedule();
  });
  try {
    await reload();
  } catch (err) {
    await unlisten();
    throw err;
  }
  logger.info({ rules: index.size, targets: index.targets }, 'alert rules loaded');

  const timer =
    reloadMs > 0
      ? setInterval(() => {
          reload().catch((err: unknown) => logger.error({ err }, 'alert rules reload failed'));
        }, reloadMs)
      : undefined;
  timer?.unref();

  return {
    reload,
    async settled() {
      while (!stopped && (drainingNow || pending.size > 0)) {
        if (!drainingNow) schedule();
        await draining;
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await unlisten();
      await draining;
    },
  };
}

function parseChange(payload: string): z.infer<typeof ChangeSchema> | undefined {
  try {
    const result = ChangeSchema.safeParse(JSON.parse(payload));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
