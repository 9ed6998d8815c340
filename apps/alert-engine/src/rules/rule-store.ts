import type { AlertRuleType, CreateAlertRule } from '@defi-realtime/protocol';
import type { Database, Queryable } from '@defi-realtime/db';
import { sortAtSql, type PageCursor, type PageRequest } from './cursor';
import { toRuleColumns } from './rule-fields';
import { RULE_COLUMNS, toStoredRule, type StoredChannel, type StoredRule } from './stored-rule';

/** A rule to write: its validated fields and its channels with their secrets. */
export interface RuleWrite {
  rule: CreateAlertRule;
  channels: StoredChannel[];
}

/** Who creates a rule. */
export interface RuleAuthor {
  owner: string;
  /** The API key used (alert_rules.api_key_id), null for a token. */
  apiKeyId: string | null;
}

/** `ok: false` when the owner already has `limit` rules or more. */
export type CreateRuleResult = { ok: true; rule: StoredRule } | { ok: false; count: number; limit: number };

export interface RuleFilter {
  enabled?: boolean;
  type?: AlertRuleType;
}

export interface RulePage {
  rules: StoredRule[];
  /** Where the next page starts; null on the last page. */
  next: PageCursor | null;
}

type Row = Parameters<typeof toStoredRule>[0] & { sort_at: string };

const SELECT = `SELECT ${RULE_COLUMNS}, ${sortAtSql('created_at')} AS sort_at FROM alert_rules`;
const RETURNING = `RETURNING ${RULE_COLUMNS}`;
const WRITE_COLUMNS =
  'name, type, token_id, protocol_id, chain, threshold, window_sec, cooldown_sec, rearm_pct, channels, priority, enabled';

/**
 * The `alert_rules` table as the rules API uses it: every read and write is scoped to an
 * owner, so a rule of someone else is simply not found. Every write fires the table's
 * NOTIFY trigger (migration 003), which is how evaluation workers learn of it.
 */
export class RuleStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Insert a rule unless the owner already has `limit` rules. Count and insert run under a
   * per-owner transaction lock, so concurrent creates cannot overshoot the limit together.
   */
  async create(author: RuleAuthor, write: RuleWrite, limit: number): Promise<CreateRuleResult> {
    return this.#db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`alert_rules:${author.owner}`]);
      const count = await countRules(tx, author.owner);
      if (count >= limit) return { ok: false, count, limit };
      const values = writeValues(write);
      const params = values.map((_, i) => `$${i + 3}`).join(', ');
      const { rows } = await tx.query<Row>(
        `INSERT INTO alert_rules (owner, api_key_id, ${WRITE_COLUMNS}) VALUES ($1, $2, ${params}) ${RETURNING}`,
        [author.owner, author.apiKeyId, ...values],
      );
      return { ok: true, rule: toStoredRule(rows[0] as Row) };
    });
  }

  /** The owner's rule with this id, or null (absent, or someone else's). */
  async get(owner: string, id: string): Promise<StoredRule | null> {
    const { rows } = await this.#db.query<Row>(`${SELECT} WHERE id = $1 AND owner = $2`, [id, owner]);
    return rows[0] ? toStoredRule(rows[0]) : null;
  }

  /** How many rules the owner has (enabled or not: both count against the tier's cap). */
  async count(owner: string): Promise<number> {
    return countRules(this.#db, owner);
  }

  /** The owner's rules, newest first, one page. */
  async list(owner: string, filter: RuleFilter, page: PageRequest): Promise<RulePage> {
    const params: unknown[] = [owner];
    const where = ['owner = $1'];
    if (filter.enabled !== undefined) where.push(`enabled = $${params.push(filter.enabled)}`);
    if (filter.type !== undefined) where.push(`type = $${params.push(filter.type)}`);
    if (page.after !== undefined) {
      const at = params.push(page.after.at);
      const id = params.push(page.after.id);
      where.push(`(created_at, id) < ($${at}::timestamptz, $${id}::uuid)`);
    }
    // One row more than asked tells whether there is a next page.
    const limit = params.push(page.limit + 1);
    const { rows } = await this.#db.query<Row>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${limit}`,
      params,
    );
    const shown = rows.slice(0, page.limit);
    const last = shown[shown.length - 1];
    return {
      rules: shown.map(toStoredRule),
      next: rows.length > page.limit && last ? { at: last.sort_at, id: last.id } : null,
    };
  }

  /**
   * Replace the owner's rule with what `change` makes of it, in one transaction with the
   * row locked (two concurrent updates apply one after the other, neither is lost).
   * `change` may throw to refuse (the row is left as it was). Null when not found.
   */
  async update(owner: string, id: string, change: (current: StoredRule) => RuleWrite): Promise<StoredRule | null> {
    return this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(`${SELECT} WHERE id = $1 AND owner = $2 FOR UPDATE`, [id, owner]);
      if (!rows[0]) return null;
      const values = writeValues(change(toStoredRule(rows[0])));
      const sets = WRITE_COLUMNS.split(', ').map((column, i) => `${column} = $${i + 3}`);
      const updated = await tx.query<Row>(
        `UPDATE alert_rules SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 AND owner = $2 ${RETURNING}`,
        [id, owner, ...values],
      );
      return toStoredRule(updated.rows[0] as Row);
    });
  }

  /** Enable or disable the owner's rule; null when not found. */
  async setEnabled(owner: string, id: string, enabled: boolean): Promise<StoredRule | null> {
    const { rows } = await this.#db.query<Row>(
      `UPDATE alert_rules SET enabled = $3, updated_at = now() WHERE id = $1 AND owner = $2 ${RETURNING}`,
      [id, owner, enabled],
    );
    return rows[0] ? toStoredRule(rows[0]) : null;
  }

  /** Delete the owner's rule (its alert history goes with it); false when not found. */
  async delete(owner: string, id: string): Promise<boolean> {
    const { rowCount } = await this.#db.query('DELETE FROM alert_rules WHERE id = $1 AND owner = $2', [id, owner]);
    return rowCount > 0;
  }
}

async function countRules(db: Queryable, owner: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM alert_rules WHERE owner = $1',
    [owner],
  );
  return rows[0]?.count ?? 0;
}

/** Parameter values in WRITE_COLUMNS order. */
function writeValues(write: RuleWrite): unknown[] {
  const c = toRuleColumns(write.rule);
  // jsonb as JSON text: pg would send a JS array as a PostgreSQL array literal.
  const channels = JSON.stringify(write.channels);
  return [
    c.name,
    c.type,
    c.token_id,
    c.protocol_id,
    c.chain,
    c.threshold,
    c.window_sec,
    c.cooldown_sec,
    c.rearm_pct,
    channels,
    c.priority,
    c.enabled,
  ];
}
