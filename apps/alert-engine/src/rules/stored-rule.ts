import { ALERT_WINDOWS_MS, type AlertPriority, type AlertRuleType, type AlertWindow } from '@defi-realtime/protocol';
import type { Queryable } from '@defi-realtime/db';

/** A delivery channel as stored: webhooks carry their signing secret (never shown after creation). */
export type StoredChannel =
  | { type: 'websocket' }
  | {
      type: 'webhook';
      url: string;
      secret: string;
      /** Set when the endpoint answered 410 Gone. */ disabledAt?: string;
    }
  | { type: 'email'; to: string };

/** One row of `alert_rules`, as every part of the alert engine reads it. */
export interface StoredRule {
  id: string;
  owner: string;
  apiKeyId: string | null;
  name: string;
  type: AlertRuleType;
  tokenId: string | null;
  protocolId: string | null;
  /** null: any chain for price rules; the protocol's total for TVL rules. */
  chain: string | null;
  threshold: number;
  window: AlertWindow | null;
  windowMs: number | null;
  cooldownSec: number;
  rearmPct: number;
  channels: StoredChannel[];
  priority: AlertPriority;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns to select for `toStoredRule` (same order everywhere). */
export const RULE_COLUMNS =
  'id, owner, api_key_id, name, type, token_id, protocol_id, chain, threshold, window_sec, cooldown_sec, rearm_pct, channels, priority, enabled, created_at, updated_at';

/** The `alert_rules` columns a rule's fields are stored in (everything but ids, owner and times). */
export interface RuleColumns {
  name: string;
  type: string;
  token_id: string | null;
  protocol_id: string | null;
  chain: string | null;
  threshold: number;
  window_sec: number | null;
  cooldown_sec: number;
  rearm_pct: number;
  priority: string;
  enabled: boolean;
}

interface RuleRow extends RuleColumns {
  id: string;
  owner: string;
  api_key_id: string | null;
  channels: StoredChannel[];
  created_at: Date;
  updated_at: Date;
}

const WINDOW_BY_SEC = new Map(Object.entries(ALERT_WINDOWS_MS).map(([name, ms]) => [ms / 1000, name as AlertWindow]));

/** Map a selected row (RULE_COLUMNS) to a StoredRule. */
export function toStoredRule(row: RuleRow): StoredRule {
  const window = row.window_sec === null ? null : (WINDOW_BY_SEC.get(row.window_sec) ?? null);
  return {
    id: row.id,
    owner: row.owner,
    apiKeyId: row.api_key_id,
    name: row.name,
    type: row.type as AlertRuleType,
    tokenId: row.token_id,
    protocolId: row.protocol_id,
    chain: row.chain,
    threshold: row.threshold,
    window,
    windowMs: row.window_sec === null ? null : row.window_sec * 1000,
    cooldownSec: row.cooldown_sec,
    rearmPct: row.rearm_pct,
    channels: row.channels,
    priority: row.priority as AlertPriority,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One rule by id (any owner), or null. */
export async function loadRule(db: Queryable, id: string): Promise<StoredRule | null> {
  const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [id]);
  return rows[0] ? toStoredRule(rows[0]) : null;
}

/** Every enabled rule (the evaluation index loads these at start). */
export async function loadEnabledRules(db: Queryable): Promise<StoredRule[]> {
  const { rows } = await db.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE enabled`);
  return rows.map(toStoredRule);
}
