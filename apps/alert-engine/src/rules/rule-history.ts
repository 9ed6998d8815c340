import { z } from 'zod';
import type { Queryable } from '@defi-realtime/db';
import { sortAtSql, type PageCursor, type PageRequest } from './cursor';

export const AlertEventViewSchema = z
  .object({
    /** The notification id (deterministic per rule and crossing). */
    id: z.string(),
    /** ISO 8601, UTC: when the value crossed. */
    firedAt: z.string(),
    value: z.number(),
    threshold: z.number(),
    message: z.string(),
    /** The `alert` event's data as it was sent. */
    payload: z.record(z.string(), z.unknown()),
  })
  .describe('One time the rule fired.');
export type AlertEventView = z.infer<typeof AlertEventViewSchema>;

export interface AlertEventPage {
  events: AlertEventView[];
  /** Where the next page starts; null on the last page. */
  next: PageCursor | null;
}

interface EventRow {
  id: string;
  fired_at: Date;
  value: number;
  threshold: number;
  message: string;
  payload: Record<string, unknown>;
  sort_at: string;
}

/**
 * One page of a rule's `alert_events`, newest first. The caller checks the rule is the
 * caller's; the query walks `alert_events_rule_fired_idx (rule_id, fired_at DESC)`.
 */
export async function listRuleEvents(db: Queryable, ruleId: string, page: PageRequest): Promise<AlertEventPage> {
  const params: unknown[] = [ruleId];
  let after = '';
  if (page.after !== undefined) {
    // Two statements rather than `$2 IS NULL OR ...`, which would keep the planner from
    // starting the index scan at the cursor.
    after = ` AND (fired_at, id) < ($${params.push(page.after.at)}::timestamptz, $${params.push(page.after.id)})`;
  }
  const limit = params.push(page.limit + 1);
  const { rows } = await db.query<EventRow>(
    `SELECT id, fired_at, value, threshold, message, payload, ${sortAtSql('fired_at')} AS sort_at
       FROM alert_events WHERE rule_id = $1${after}
      ORDER BY fired_at DESC, id DESC LIMIT $${limit}`,
    params,
  );
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    events: shown.map((row) => ({
      id: row.id,
      firedAt: row.fired_at.toISOString(),
      value: row.value,
      threshold: row.threshold,
      message: row.message,
      payload: row.payload,
    })),
    next: rows.length > page.limit && last ? { at: last.sort_at, id: last.id } : null,
  };
}
