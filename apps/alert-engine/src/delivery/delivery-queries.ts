import type { Queryable } from '@defi-realtime/db';
import type { DeliveryChannelName, DeliveryStatus } from './outcome';

/** Replay takes a delivery in one of these back to pending; the others are still being delivered. */
export const REPLAYABLE_STATUSES: readonly DeliveryStatus[] = ['dead', 'gone', 'succeeded'];

/** One delivery as the API shows it (owner-scoped). */
export interface DeliveryView {
  id: string;
  alertId: string;
  ruleId: string;
  channel: DeliveryChannelName;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  replayedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ListDeliveriesQuery {
  status?: DeliveryStatus;
  channel?: DeliveryChannelName;
  limit: number;
  /** Rows older than this one (its `seq`): the page after the one ending with it. */
  beforeSeq?: string;
}

interface DeliveryRow {
  seq: string;
  id: string;
  alert_event_id: string;
  rule_id: string;
  channel: DeliveryChannelName;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  replayed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'seq, id, alert_event_id, rule_id, channel, target, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at, replayed_at, created_at, updated_at';

/** A page of the owner's deliveries, newest first; `lastSeq` is set when more follow. */
export async function listDeliveries(
  db: Queryable,
  owner: string,
  query: ListDeliveriesQuery,
): Promise<{ deliveries: DeliveryView[]; lastSeq: string | null }> {
  const params: unknown[] = [owner];
  const where = ['owner = $1'];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.status !== undefined) add('status = ?', query.status);
  if (query.channel !== undefined) add('channel = ?', query.channel);
  if (query.beforeSeq !== undefined) add('seq < ?::bigint', query.beforeSeq);
  params.push(query.limit + 1);
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM alert_deliveries WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return { deliveries: page.map(toView), lastSeq: more ? (page[page.length - 1]?.seq ?? null) : null };
}

/** One of the owner's deliveries, or null (another owner's is null too). */
export async function getDelivery(db: Queryable, owner: string, id: string): Promise<DeliveryView | null> {
  const { rows } = await db.query<DeliveryRow>(`SELECT ${COLUMNS} FROM alert_deliveries WHERE id = $1 AND owner = $2`, [
    id,
    owner,
  ]);
  return rows[0] ? toView(rows[0]) : null;
}

/**
 * Put one of the owner's dead, gone or succeeded deliveries back to pending, due now, with
 * its attempts reset: it is delivered again with the same id (the same `webhook-id`).
 * Null when it is not the owner's or not replayable (the caller tells which).
 */
export async function replayDelivery(db: Queryable, owner: string, id: string): Promise<DeliveryView | null> {
  const { rows } = await db.query<DeliveryRow>(
    `UPDATE alert_deliveries
     SET status = 'pending', attempts = 0, next_attempt_at = now(), last_status_code = NULL, last_error = NULL,
         replayed_at = now(), updated_at = now()
     WHERE id = $1 AND owner = $2 AND status = ANY($3::text[])
     RETURNING ${COLUMNS}`,
    [id, owner, REPLAYABLE_STATUSES],
  );
  return rows[0] ? toView(rows[0]) : null;
}

function toView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    alertId: row.alert_event_id,
    ruleId: row.rule_id,
    channel: row.channel,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    replayedAt: iso(row.replayed_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
