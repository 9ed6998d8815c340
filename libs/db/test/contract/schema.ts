import { uniqueSuffix, fakeKeyHash, type GetTestDatabase } from '../helpers';

const TABLES = [
  'alert_deliveries',
  'alert_events',
  'alert_rules',
  'api_keys',
  'price_points',
  'protocols',
  'schema_migrations',
  'tokens',
  'tvl_points',
];

/** The tables of 001_initial.sql and their constraints, on one engine. */
export function schemaTests(get: GetTestDatabase): void {
  const violation = (code: string, constraint: string) => ({ name: 'DatabaseError', code, constraint });

  it('creates every table in the database schema', async () => {
    const { rows } = await get().db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
    const schema = await get().db.query<{ s: string }>('SELECT current_schema() AS s');
    expect(schema.rows[0]?.s).toBe(get().schema);
  });

  it('rejects negative, NaN and infinite prices and TVL with SQLSTATE 23514', async () => {
    const { db } = get();
    const insertPrice = (price: number | string) =>
      db.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, now(), $2)', [
        `coingecko:x-${uniqueSuffix()}`,
        price,
      ]);
    await expect(insertPrice(-0.01)).rejects.toMatchObject(violation('23514', 'price_points_price_check'));
    await expect(insertPrice('NaN')).rejects.toMatchObject(violation('23514', 'price_points_price_check'));
    await expect(insertPrice('Infinity')).rejects.toMatchObject(violation('23514', 'price_points_price_check'));
    await expect(
      db.query("INSERT INTO tvl_points (protocol_id, ts, tvl) VALUES ('p', now(), -5)"),
    ).rejects.toMatchObject(violation('23514', 'tvl_points_tvl_check'));
    await expect(insertPrice(0)).resolves.toMatchObject({ rowCount: 1 });
  });

  it('keys time series by id and time: a duplicate point is 23505, upsert replaces it', async () => {
    const { db } = get();
    const token = `coingecko:dup-${uniqueSuffix()}`;
    const ts = new Date('2024-01-01T00:00:00Z');
    await db.query('INSERT INTO price_points (token_id, ts, price, confidence, source) VALUES ($1, $2, 1, 0.9, $3)', [
      token,
      ts,
      'test',
    ]);
    await expect(
      db.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, $2, 2)', [token, ts]),
    ).rejects.toMatchObject({ code: '23505' });
    await db.query(
      'INSERT INTO price_points (token_id, ts, price) VALUES ($1, $2, 3) ON CONFLICT (token_id, ts) DO UPDATE SET price = excluded.price',
      [token, ts],
    );
    expect((await db.query('SELECT price FROM price_points WHERE token_id = $1', [token])).rows).toEqual([
      { price: 3 },
    ]);
  });

  it("stores a protocol's total TVL under chain ''", async () => {
    const { db } = get();
    const id = `p-${uniqueSuffix()}`;
    await db.query('INSERT INTO tvl_points (protocol_id, ts, tvl) VALUES ($1, now(), 10)', [id]);
    await db.query("INSERT INTO tvl_points (protocol_id, chain, ts, tvl) VALUES ($1, 'ethereum', now(), 7)", [id]);
    const { rows } = await db.query('SELECT chain, tvl FROM tvl_points WHERE protocol_id = $1 ORDER BY chain', [id]);
    expect(rows).toEqual([
      { chain: '', tvl: 10 },
      { chain: 'ethereum', tvl: 7 },
    ]);
  });

  it('api_keys: unique hash (23505), known tiers only, SHA-256 hex only, uuid ids by default', async () => {
    const { db } = get();
    const hash = fakeKeyHash(uniqueSuffix());
    const insertKey = (keyHash: string, tier = 'free') =>
      db.query<{ id: string }>(
        "INSERT INTO api_keys (key_prefix, key_hash, tier, owner) VALUES ('drt_abcd', $1, $2, 'alice') RETURNING id",
        [keyHash, tier],
      );
    const { rows } = await insertKey(hash);
    expect(rows[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    await expect(insertKey(hash)).rejects.toMatchObject(violation('23505', 'api_keys_key_hash_key'));
    await expect(insertKey(fakeKeyHash(uniqueSuffix()), 'gold')).rejects.toMatchObject(
      violation('23514', 'api_keys_tier_check'),
    );
    await expect(insertKey('not-a-hash')).rejects.toMatchObject(violation('23514', 'api_keys_key_hash_check'));
  });

  it('alert_rules: the target must match the type (token for price_*, protocol for tvl_*)', async () => {
    const { db } = get();
    const insertRule = (type: string, tokenId: string | null, protocolId: string | null) =>
      db.query(
        "INSERT INTO alert_rules (owner, type, token_id, protocol_id, threshold) VALUES ('alice', $1, $2, $3, 100)",
        [type, tokenId, protocolId],
      );
    await expect(insertRule('price_above', 'coingecko:ethereum', null)).resolves.toMatchObject({ rowCount: 1 });
    await expect(insertRule('tvl_change', null, 'aave')).resolves.toMatchObject({ rowCount: 1 });
    await expect(insertRule('price_above', null, 'aave')).rejects.toMatchObject(
      violation('23514', 'alert_rules_target_check'),
    );
    await expect(insertRule('volume_above', 'coingecko:ethereum', null)).rejects.toMatchObject({
      code: '23514',
      constraint: expect.stringMatching(/^alert_rules_(type|target)_check$/),
    });
  });

  it('deleting a rule deletes its events and deliveries; delivery status is checked', async () => {
    const { db } = get();
    const ruleId = (
      await db.query<{ id: string }>(
        "INSERT INTO alert_rules (owner, type, token_id, threshold, channels) VALUES ('bob', 'price_below', 'coingecko:bitcoin', 1, $1) RETURNING id",
        [JSON.stringify([{ type: 'webhook', url: 'https://example.com/hook' }])],
      )
    ).rows[0]?.id;
    const eventId = `alert-${uniqueSuffix()}`;
    await db.query(
      "INSERT INTO alert_events (id, rule_id, owner, value, threshold, message) VALUES ($1, $2, 'bob', 0.5, 1, 'below')",
      [eventId, ruleId],
    );
    await db.query(
      "INSERT INTO alert_deliveries (alert_event_id, rule_id, owner, channel, target) VALUES ($1, $2, 'bob', 'webhook', 'https://example.com/hook')",
      [eventId, ruleId],
    );
    await expect(
      db.query(
        "INSERT INTO alert_deliveries (alert_event_id, rule_id, owner, channel, target, status) VALUES ($1, $2, 'bob', 'webhook', 'https://other.example', 'lost')",
        [eventId, ruleId],
      ),
    ).rejects.toMatchObject(violation('23514', 'alert_deliveries_status_check'));
    await expect(
      db.query(
        "INSERT INTO alert_deliveries (alert_event_id, rule_id, owner, channel, target) VALUES ($1, $2, 'bob', 'webhook', 'https://example.com/hook')",
        [eventId, ruleId],
      ),
    ).rejects.toMatchObject(violation('23505', 'alert_deliveries_event_target_key'));
    await db.query('DELETE FROM alert_rules WHERE id = $1', [ruleId]);
    const left = await db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM alert_events WHERE rule_id = $1)::int + (SELECT count(*) FROM alert_deliveries WHERE rule_id = $1)::int AS n',
      [ruleId],
    );
    expect(left.rows[0]?.n).toBe(0);
  });
}
