import type { Database, Logger } from '@defi-realtime/db';
import { generateApiKey, hashApiKey, KEY_PREFIX_LENGTH, keyPrefix, looksLikeApiKey } from './api-keys';
import { AuthError } from './errors';
import type { Principal } from './principal';
import { parseSeedSpec } from './seed-spec';
import { DEFAULT_TIER_LIMITS, TIER_NAMES, isTierName, type TierName, type TierTable } from './tiers';
import { TtlCache } from './ttl-cache';

/** Revocation must reach every process within this: the cache TTL may not exceed it. */
export const MAX_REVOCATION_LATENCY_MS = 10_000;

export interface ApiKeyStoreOptions {
  /** Limits attached to principals. @default DEFAULT_TIER_LIMITS */
  tiers?: TierTable;
  /**
   * How long a lookup (found or not) is reused in this process. Bounds how long a key
   * revoked elsewhere keeps working; at most MAX_REVOCATION_LATENCY_MS. 0 disables caching.
   * @default 5_000
   */
  cacheTtlMs?: number;
  /**
   * Entries per cache. Known and unknown keys have separate caches of this size, so a
   * flood of bad keys cannot push the good ones out.
   * @default 10_000
   */
  cacheMaxEntries?: number;
  /** Write a key's last_used_at at most this often (per process, and per cluster through SQL). @default 60_000 */
  lastUsedIntervalMs?: number;
  /** Where failed last_used_at writes are reported. @default silent */
  logger?: Logger;
}

const DEFAULTS = { cacheTtlMs: 5_000, cacheMaxEntries: 10_000, lastUsedIntervalMs: 60_000 };

/** A key as listings show it: never its hash, never the key. */
export interface ApiKeyRecord {
  id: string;
  prefix: string;
  name: string;
  tier: TierName;
  owner: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface CreateApiKeyInput {
  name: string;
  tier: TierName;
  /** @default name */
  owner?: string;
}

interface KeyRow {
  id: string;
  key_prefix: string;
  name: string;
  tier: string;
  owner: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, key_prefix, name, tier, owner, created_at, revoked_at, last_used_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * API keys in PostgreSQL (table api_keys), stored only as SHA-256 hashes. `authenticate`
 * is on every handshake, so it answers from an in-process cache and coalesces concurrent
 * lookups of one key into one query.
 */
export class ApiKeyStore {
  readonly #db: Database;
  readonly #tiers: TierTable;
  readonly #logger: Logger;
  readonly #lastUsedIntervalMs: number;
  readonly #known: TtlCache<Principal>;
  readonly #unknown: TtlCache<true>;
  readonly #inFlight = new Map<string, Promise<Principal | null>>();
  readonly #lastTouched: TtlCache<true>;
  readonly #pendingTouches = new Set<Promise<void>>();
  // Bumped by every local write, so a lookup that started before it does not cache a stale answer.
  #epoch = 0;

  constructor(db: Database, options: ApiKeyStoreOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    if (!(Number.isFinite(o.cacheTtlMs) && o.cacheTtlMs >= 0 && o.cacheTtlMs <= MAX_REVOCATION_LATENCY_MS)) {
      throw new TypeError(
        `Invalid cacheTtlMs option ${o.cacheTtlMs}: expected 0-${MAX_REVOCATION_LATENCY_MS} ms (a revoked key must stop working within 10 s)`,
      );
    }
    if (!(Number.isInteger(o.cacheMaxEntries) && o.cacheMaxEntries >= 0)) {
      throw new TypeError(`Invalid cacheMaxEntries option ${o.cacheMaxEntries}: expected a whole number >= 0`);
    }
    if (!(Number.isFinite(o.lastUsedIntervalMs) && o.lastUsedIntervalMs >= 0)) {
      throw new TypeError(`Invalid lastUsedIntervalMs option ${o.lastUsedIntervalMs}: expected ms >= 0`);
    }
    this.#db = db;
    this.#tiers = o.tiers ?? DEFAULT_TIER_LIMITS;
    this.#logger = o.logger ?? silent;
    this.#lastUsedIntervalMs = o.lastUsedIntervalMs;
    this.#known = new TtlCache(o.cacheTtlMs, o.cacheMaxEntries);
    this.#unknown = new TtlCache(o.cacheTtlMs, o.cacheMaxEntries);
    this.#lastTouched = new TtlCache(o.lastUsedIntervalMs, o.cacheMaxEntries);
  }

  /** Make a key. The plaintext is in the result and nowhere else: show it once. */
  async create(input: CreateApiKeyInput): Promise<{ key: string; record: ApiKeyRecord }> {
    const { name, tier, owner } = validateCreate(input);
    const key = generateApiKey();
    const hash = hashApiKey(key);
    const { rows } = await this.#db.query<KeyRow>(
      `INSERT INTO api_keys (key_prefix, key_hash, name, tier, owner) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [keyPrefix(key), hash, name, tier, owner],
    );
    this.#forget(hash);
    return { key, record: toRecord(rows[0] as KeyRow) };
  }

  /** Keys, oldest first; revoked ones only with includeRevoked. */
  async list(filter: { owner?: string; includeRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
    const { rows } = await this.#db.query<KeyRow>(
      `SELECT ${COLUMNS} FROM api_keys
        WHERE ($1::text IS NULL OR owner = $1) AND ($2::boolean OR revoked_at IS NULL)
        ORDER BY created_at, id`,
      [filter.owner ?? null, filter.includeRevoked ?? false],
    );
    return rows.map(toRecord);
  }

  /**
   * Revoke the key with this id, this visible prefix (or a longer start of the key), or
   * this very key. Several live keys matching throw KEY_AMBIGUOUS, none KEY_NOT_FOUND.
   * Revoking a revoked key returns it unchanged. Other processes notice within their TTL.
   */
  async revoke(idOrPrefix: string): Promise<ApiKeyRecord> {
    const matches = await this.#find(idOrPrefix.trim());
    const live = matches.filter((row) => row.revoked_at === null);
    const target = live.length > 0 ? live : matches;
    if (target.length === 0) throw new AuthError('KEY_NOT_FOUND', `No API key matches "${idOrPrefix}"`);
    if (target.length > 1) {
      const ids = target.map((row) => `${row.id} (${row.key_prefix}, ${row.name})`).join(', ');
      throw new AuthError(
        'KEY_AMBIGUOUS',
        `"${idOrPrefix}" matches ${target.length} keys: ${ids}. Give the id instead.`,
      );
    }
    const row = target[0] as KeyRow;
    if (row.revoked_at !== null) return toRecord(row);
    const { rows } = await this.#db.query<KeyRow>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [row.id],
    );
    this.#epoch += 1;
    this.#known.clear(); // the hash is unknown here; a revoke is rare, so start afresh
    return toRecord(rows[0] ?? row);
  }

  /**
   * The principal of a live key, or null (malformed, unknown or revoked). Answers from the
   * cache when it can; database failures reject (a DatabaseError), never read as "unknown".
   */
  async authenticate(key: string): Promise<Principal | null> {
    if (!looksLikeApiKey(key)) return null; // never worth a query
    const hash = hashApiKey(key);
    const hit = this.#known.get(hash);
    if (hit !== undefined) {
      this.#touch(hit.value.id);
      return hit.value;
    }
    if (this.#unknown.get(hash) !== undefined) return null;
    let pending = this.#inFlight.get(hash);
    if (pending === undefined) {
      pending = this.#lookup(hash).finally(() => this.#inFlight.delete(hash));
      this.#inFlight.set(hash, pending);
    }
    const principal = await pending;
    if (principal !== null) this.#touch(principal.id);
    return principal;
  }

  /**
   * Insert the keys of a `"key:tier,key:tier"` spec (SEED_API_KEYS), named and owned
   * `seed:<prefix>`. Idempotent: a key already present is left as it is (tier, revocation).
   */
  async seed(spec: string): Promise<{ created: number; existing: number }> {
    const entries = parseSeedSpec(spec);
    let created = 0;
    await this.#db.transaction(async (tx) => {
      for (const { key, tier } of entries) {
        const name = `seed:${keyPrefix(key)}`;
        const result = await tx.query(
          `INSERT INTO api_keys (key_prefix, key_hash, name, tier, owner) VALUES ($1, $2, $3, $4, $3)
           ON CONFLICT (key_hash) DO NOTHING`,
          [keyPrefix(key), hashApiKey(key), name, tier],
        );
        created += result.rowCount;
      }
    });
    for (const { key } of entries) this.#forget(hashApiKey(key));
    return { created, existing: entries.length - created };
  }

  /** Wait for pending last_used_at writes (before closing the database). */
  async flush(): Promise<void> {
    while (this.#pendingTouches.size > 0) await Promise.all(this.#pendingTouches);
  }

  async #lookup(hash: string): Promise<Principal | null> {
    const epoch = this.#epoch;
    const { rows } = await this.#db.query<Pick<KeyRow, 'id' | 'key_prefix' | 'tier' | 'owner'>>(
      'SELECT id, key_prefix, tier, owner FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const row = rows[0];
    // The table's CHECK allows only known tiers; a tier dropped from the code reads as no key.
    const principal = row !== undefined && isTierName(row.tier) ? this.#principal(row, row.tier) : null;
    if (epoch === this.#epoch) {
      if (principal === null) this.#unknown.set(hash, true);
      else this.#known.set(hash, principal);
    }
    return principal;
  }

  #principal(row: Pick<KeyRow, 'id' | 'key_prefix' | 'owner'>, tier: TierName): Principal {
    return Object.freeze({
      id: row.id,
      owner: row.owner,
      tier,
      limits: this.#tiers[tier],
      via: 'api_key',
      keyPrefix: row.key_prefix,
    });
  }

  // Off the caller's await: the write is tracked only so flush() can wait for it.
  #touch(id: string): void {
    if (this.#lastTouched.get(id) !== undefined) return;
    this.#lastTouched.set(id, true);
    const write = this.#db
      .query(
        `UPDATE api_keys SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - $2::double precision * interval '1 millisecond')`,
        [id, this.#lastUsedIntervalMs],
      )
      .then(
        () => undefined,
        (err: unknown) => this.#logger.warn({ err, keyId: id }, 'could not record API key use'),
      )
      .finally(() => this.#pendingTouches.delete(write));
    this.#pendingTouches.add(write);
  }

  #forget(hash: string): void {
    this.#epoch += 1;
    this.#known.delete(hash);
    this.#unknown.delete(hash);
  }

  async #find(input: string): Promise<KeyRow[]> {
    if (UUID.test(input)) {
      return (await this.#db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [input])).rows;
    }
    if (looksLikeApiKey(input)) {
      return (await this.#db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [hashApiKey(input)]))
        .rows;
    }
    // At least one character after drt_, so "drt_" alone cannot match (and revoke) everything.
    if (!/^drt_[0-9A-Za-z]+$/.test(input)) {
      throw new AuthError(
        'KEY_NOT_FOUND',
        `"${input}" is neither a key id (uuid) nor a key prefix (drt_ followed by letters and digits)`,
      );
    }
    const { rows } = await this.#db.query<KeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE starts_with(key_prefix, $1) ORDER BY created_at`,
      [input.slice(0, KEY_PREFIX_LENGTH)],
    );
    return rows;
  }
}

function validateCreate(input: CreateApiKeyInput): Required<CreateApiKeyInput> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const owner = typeof input.owner === 'string' ? input.owner.trim() : name;
  if (name === '' || name.length > 200)
    throw new AuthError('INVALID_KEY_INPUT', 'Invalid name: expected 1-200 characters');
  if (owner === '' || owner.length > 200)
    throw new AuthError('INVALID_KEY_INPUT', 'Invalid owner: expected 1-200 characters');
  if (!isTierName(input.tier)) {
    throw new AuthError(
      'INVALID_KEY_INPUT',
      `Invalid tier "${String(input.tier)}": expected one of ${TIER_NAMES.join(', ')}`,
    );
  }
  return { name, tier: input.tier, owner };
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    prefix: row.key_prefix,
    name: row.name,
    tier: row.tier as TierName,
    owner: row.owner,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
