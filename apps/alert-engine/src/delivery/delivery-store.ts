import { DatabaseError, type Database, type Queryable } from '@defi-realtime/db';
import type { Notification } from '../notifications/notification';
import { loadRule, type StoredChannel } from '../rules/stored-rule';
import { alertPayload, type AlertPayload } from './alert-payload';
import type { DeliveryChannelName } from './outcome';

/** What recording one notification did. */
export type RecordResult = 'recorded' | 'duplicate' | 'rule_deleted';

/** A delivery this worker holds for one attempt (its lease), with what sending needs. */
export interface ClaimedDelivery {
  /** The row id: the Standard Webhooks `webhook-id`. */
  id: string;
  alertEventId: string;
  ruleId: string;
  owner: string;
  channel: DeliveryChannelName;
  target: string;
  /** Attempts including this one (since creation or the last replay). */
  attempts: number;
  replayedAt: Date | null;
  firedAt: Date;
  payload: AlertPayload;
  /** The rule's channels now (the webhook secret is read from here at each attempt). */
  ruleChannels: StoredChannel[];
}

/** The row update after an attempt: a final status, or `retrying` with the delay before the next. */
export type AttemptResult =
  | { status: 'succeeded'; statusCode?: number }
  | { status: 'retrying'; delayMs: number; error: string; statusCode?: number }
  | { status: 'dead'; error: string; statusCode?: number };

interface ClaimedRow {
  id: string;
  alert_event_id: string;
  rule_id: string;
  owner: string;
  channel: DeliveryChannelName;
  target: string;
  attempts: number;
  replayed_at: Date | null;
  fired_at: Date;
  payload: AlertPayload;
  channels: StoredChannel[];
}

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * The delivery workers' SQL over `alert_deliveries` (migration 004). Claims are leases:
 * a claimed row's next_attempt_at moves `leaseMs` ahead in the same statement that picks
 * it (`FOR UPDATE SKIP LOCKED`, so processes share the due rows without waiting on each
 * other), then the attempt runs outside any transaction (PGlite has one session, and a
 * webhook may take seconds). A worker that dies mid-attempt leaves the row due again when
 * the lease ends. Results are written only while the row still holds this claim.
 */
export class DeliveryStore {
  constructor(private readonly db: Database) {}

  /**
   * In one transaction: the `alert_events` row (id = notification id) and one delivery per
   * channel of the rule, both ON CONFLICT DO NOTHING, so a redelivered notification adds
   * nothing. Webhooks disabled by a 410 are skipped. The first attempt is due after
   * `firstDelayMs` (the schedule's first entry, normally 0).
   */
  async recordNotification(notification: Notification, firstDelayMs: number): Promise<RecordResult> {
    const rule = await loadRule(this.db, notification.ruleId);
    if (!rule) return 'rule_deleted';
    const payload = alertPayload(notification, rule.owner);
    const deliveries = rule.channels.flatMap((channel) => deliveryTarget(channel));
    try {
      return await this.db.transaction(async (tx) => {
        const inserted = await tx.query(
          `INSERT INTO alert_events (id, rule_id, owner, fired_at, value, threshold, message, payload)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
          [
            notification.id,
            rule.id,
            rule.owner,
            new Date(notification.firedAt),
            payload.value,
            payload.threshold,
            payload.message,
            payload,
          ],
        );
        await tx.query(
          `INSERT INTO alert_deliveries (alert_event_id, rule_id, owner, channel, target, next_attempt_at)
           SELECT $1, $2, $3, d.channel, d.target, now() + make_interval(secs => $5::float8 / 1000)
           FROM jsonb_to_recordset($4::jsonb) AS d(channel text, target text)
           ON CONFLICT ON CONSTRAINT alert_deliveries_event_target_key DO NOTHING`,
          [notification.id, rule.id, rule.owner, JSON.stringify(deliveries), firstDelayMs],
        );
        return inserted.rowCount === 0 ? 'duplicate' : 'recorded';
      });
    } catch (err) {
      // The rule was deleted between loadRule and the insert.
      if (err instanceof DatabaseError && err.code === FOREIGN_KEY_VIOLATION) return 'rule_deleted';
      throw err;
    }
  }

  /**
   * Claim up to `limit` due deliveries (of the given alert events only, when given), oldest
   * due first: each one's attempts + 1 and next_attempt_at moved `leaseMs` ahead.
   */
  async claimDue(options: {
    limit: number;
    leaseMs: number;
    alertEventIds?: readonly string[];
  }): Promise<ClaimedDelivery[]> {
    if (options.limit <= 0) return [];
    const byEvent = options.alertEventIds !== undefined;
    const { rows } = await this.db.query<ClaimedRow>(
      `WITH due AS (
         SELECT id FROM alert_deliveries
         WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now()
           ${byEvent ? 'AND alert_event_id = ANY($3::text[])' : ''}
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE alert_deliveries d
         SET attempts = d.attempts + 1, last_attempt_at = now(), updated_at = now(),
             next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.alert_event_id, d.rule_id, d.owner, d.channel, d.target, d.attempts, d.replayed_at
       )
       SELECT c.*, e.fired_at, e.payload, r.channels
       FROM claimed c
       JOIN alert_events e ON e.id = c.alert_event_id
       JOIN alert_rules r ON r.id = c.rule_id`,
      byEvent ? [options.limit, options.leaseMs, options.alertEventIds] : [options.limit, options.leaseMs],
    );
    return rows.map(toClaimed);
  }

  /** Write an attempt's result; false when the claim was lost (the lease ended and another worker took it). */
  async complete(delivery: ClaimedDelivery, result: AttemptResult): Promise<boolean> {
    const delaySec = result.status === 'retrying' ? result.delayMs / 1000 : null;
    const error = result.status === 'succeeded' ? null : result.error;
    const { rowCount } = await this.db.query(
      `UPDATE alert_deliveries
       SET status = $3,
           next_attempt_at = CASE WHEN $4::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $4::float8) END,
           last_status_code = $5, last_error = $6,
           delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END,
           updated_at = now()
       WHERE id = $1 AND attempts = $2 AND status IN ('pending', 'retrying')`,
      [delivery.id, delivery.attempts, result.status, delaySec, result.statusCode ?? null, error],
    );
    return rowCount > 0;
  }

  /**
   * The endpoint answered 410 Gone: in one transaction this delivery becomes `gone`, the
   * rule's webhook channel for the URL gets `disabledAt` (later notifications skip it) and
   * the rule's other open deliveries to the URL are closed as `gone` (no more attempts).
   */
  async markGone(delivery: ClaimedDelivery, statusCode: number, error: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE alert_deliveries SET status = 'gone', next_attempt_at = NULL, last_status_code = $3, last_error = $4, updated_at = now()
         WHERE id = $1 AND attempts = $2 AND status IN ('pending', 'retrying')`,
        [delivery.id, delivery.attempts, statusCode, error],
      );
      await disableWebhook(tx, delivery.ruleId, delivery.target, new Date().toISOString());
      await tx.query(
        `UPDATE alert_deliveries SET status = 'gone', next_attempt_at = NULL, last_error = $3, updated_at = now()
         WHERE rule_id = $1 AND channel = 'webhook' AND target = $2 AND status IN ('pending', 'retrying') AND id <> $4`,
        [
          delivery.ruleId,
          delivery.target,
          `not sent: the endpoint answered 410 Gone to delivery ${delivery.id}`,
          delivery.id,
        ],
      );
      return rowCount > 0;
    });
  }

  /** How many deliveries are dead (the dead-letter list, over all owners). */
  async countDead(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM alert_deliveries WHERE status = 'dead'",
    );
    return rows[0]?.n ?? 0;
  }
}

/** The (channel, target) a stored channel delivers to; none for a disabled webhook. */
function deliveryTarget(channel: StoredChannel): Array<{ channel: DeliveryChannelName; target: string }> {
  switch (channel.type) {
    case 'websocket':
      return [{ channel: 'websocket', target: '' }];
    case 'webhook':
      return channel.disabledAt ? [] : [{ channel: 'webhook', target: channel.url }];
    case 'email':
      return [{ channel: 'email', target: channel.to }];
    default:
      return [];
  }
}

/** Set `disabledAt` on the rule's webhook channels with this URL, in one statement (no lost update). */
async function disableWebhook(tx: Queryable, ruleId: string, url: string, at: string): Promise<void> {
  await tx.query(
    `UPDATE alert_rules SET updated_at = now(), channels = (
       SELECT COALESCE(jsonb_agg(
         CASE WHEN c->>'type' = 'webhook' AND c->>'url' = $2 AND NOT c ? 'disabledAt'
              THEN c || jsonb_build_object('disabledAt', $3::text) ELSE c END
         ORDER BY ord), '[]'::jsonb)
       FROM jsonb_array_elements(channels) WITH ORDINALITY AS t(c, ord))
     WHERE id = $1 AND EXISTS (
       SELECT 1 FROM jsonb_array_elements(channels) AS c
       WHERE c->>'type' = 'webhook' AND c->>'url' = $2 AND NOT c ? 'disabledAt')`,
    [ruleId, url, at],
  );
}

function toClaimed(row: ClaimedRow): ClaimedDelivery {
  return {
    id: row.id,
    alertEventId: row.alert_event_id,
    ruleId: row.rule_id,
    owner: row.owner,
    channel: row.channel,
    target: row.target,
    attempts: row.attempts,
    replayedAt: row.replayed_at,
    firedAt: row.fired_at,
    payload: row.payload,
    ruleChannels: row.channels,
  };
}
