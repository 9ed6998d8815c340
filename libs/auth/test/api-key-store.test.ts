import type { DatabaseKind } from '@defi-realtime/db';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import {
  ApiKeyStore,
  Authenticator,
  AuthError,
  DEFAULT_TIER_LIMITS,
  hashApiKey,
  resolveTierLimits,
} from '../src/index';
import { countingDb, fixedKey, waitUntil } from './helpers';

// PGlite compiles its WASM at start (seconds): one instance for the whole file.
const START_TIMEOUT_MS = 120_000;

describe.each<DatabaseKind>(['pglite', 'postgres'])('ApiKeyStore on %s', (kind) => {
  let testDb: TestDatabase | undefined;
  const db = () => {
    if (!testDb) throw new Error('the test database did not start (see beforeAll)');
    return testDb.db;
  };
  const stores: ApiKeyStore[] = [];
  const store = (options: ConstructorParameters<typeof ApiKeyStore>[1] = {}, database = db()): ApiKeyStore => {
    const s = new ApiKeyStore(database, options);
    stores.push(s);
    return s;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.flush()));
    await testDb?.cleanup();
  });

  it('creates a key that authenticates with its tier, owner and limits', async () => {
    const s = store();
    const { key, record } = await s.create({ name: 'alice', tier: 'pro' });
    expect(key).toMatch(/^drt_[0-9A-Za-z]{32}$/);
    expect(record).toMatchObject({
      name: 'alice',
      owner: 'alice',
      tier: 'pro',
      prefix: key.slice(0, 12),
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(record.createdAt).toBeInstanceOf(Date);
    expect(await s.authenticate(key)).toEqual({
      id: record.id,
      owner: 'alice',
      tier: 'pro',
      limits: DEFAULT_TIER_LIMITS.pro,
      via: 'api_key',
      keyPrefix: record.prefix,
    });
    expect(await s.authenticate(`${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`)).toBeNull();
  });

  it('stores only the SHA-256 and the prefix: the key is nowhere in the row', async () => {
    const { key, record } = await store().create({ name: 'bob', tier: 'free', owner: 'team-b' });
    const { rows } = await db().query<{ json: string; key_hash: string; key_prefix: string }>(
      'SELECT row_to_json(k)::text AS json, key_hash, key_prefix FROM api_keys k WHERE id = $1',
      [record.id],
    );
    expect(rows[0]?.key_hash).toBe(hashApiKey(key));
    expect(rows[0]?.key_prefix).toBe(key.slice(0, 12));
    expect(rows[0]?.json).not.toContain(key.slice(12));
  });

  it('lists keys without hashes or keys, by owner, revoked ones only on request', async () => {
    const s = store();
    const owner = `owner-${Date.now()}`;
    const one = await s.create({ name: 'one', tier: 'free', owner });
    const two = await s.create({ name: 'two', tier: 'enterprise', owner });
    await s.revoke(two.record.id);
    const live = await s.list({ owner });
    expect(live.map((r) => r.name)).toEqual(['one']);
    const all = await s.list({ owner, includeRevoked: true });
    expect(all.map((r) => [r.name, r.revokedAt instanceof Date])).toEqual([
      ['one', false],
      ['two', true],
    ]);
    const text = JSON.stringify(all);
    for (const { key } of [one, two]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(hashApiKey(key));
    }
    expect(Object.keys(all[0] ?? {}).sort()).toEqual([
      'createdAt',
      'id',
      'lastUsedAt',
      'name',
      'owner',
      'prefix',
      'revokedAt',
      'tier',
    ]);
  });

  it('revokes by id, prefix or key; revoked at once in this process', async () => {
    const s = store();
    for (const by of ['id', 'prefix', 'key'] as const) {
      const { key, record } = await s.create({ name: `by-${by}`, tier: 'free' });
      expect(await s.authenticate(key)).not.toBeNull(); // now cached
      const revoked = await s.revoke(by === 'id' ? record.id : by === 'prefix' ? record.prefix : key);
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      expect(await s.authenticate(key)).toBeNull();
      expect((await s.revoke(record.id)).revokedAt).toEqual(revoked.revokedAt); // idempotent
    }
  });

  it('refuses an ambiguous prefix and a prefix that matches nothing', async () => {
    const s = store();
    const a = fixedKey('AMBIGUOUSaaaa');
    const b = fixedKey('AMBIGUOUSbbbb');
    await s.seed(`${a}:free,${b}:free`);
    await expect(s.revoke('drt_AMBIGUOU')).rejects.toMatchObject({ name: 'AuthError', code: 'KEY_AMBIGUOUS' });
    await expect(s.revoke('drt_AMBIGUOU')).rejects.toThrow(/matches 2 keys.*Give the id instead/);
    await expect(s.revoke('drt_nothing1')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(s.revoke('drt_')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(s.revoke('not-a-key')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(await s.authenticate(a)).not.toBeNull(); // nothing was revoked
  });

  it('another process stops accepting a revoked key within its cache TTL', async () => {
    const admin = store({ cacheTtlMs: 0 });
    const gateway = store({ cacheTtlMs: 300 });
    const { key, record } = await admin.create({ name: 'carol', tier: 'pro' });
    expect(await gateway.authenticate(key)).not.toBeNull();
    await admin.revoke(record.prefix);
    const took = await waitUntil(
      async () => (await gateway.authenticate(key)) === null,
      2_000,
      'the revoked key to be refused',
    );
    expect(took).toBeLessThan(300 + 200);
  });

  it('a flood of one bad key costs one query; malformed keys cost none', async () => {
    const counted = countingDb(db());
    const s = store({}, counted.db);
    const bad = fixedKey('doesnotexist');
    for (let i = 0; i < 20; i++) expect(await s.authenticate(bad)).toBeNull();
    expect(counted.queries()).toBe(1);
    counted.reset();
    const burst = await Promise.all(Array.from({ length: 20 }, () => s.authenticate(fixedKey('concurrentbad'))));
    expect(burst.every((p) => p === null)).toBe(true);
    expect(counted.queries()).toBe(1);
    counted.reset();
    for (const malformed of ['', 'drt_short', 'x'.repeat(36)]) expect(await s.authenticate(malformed)).toBeNull();
    expect(counted.queries()).toBe(0);
  });

  it('a good key is looked up once per TTL and its last_used_at written at most once a minute', async () => {
    const { key, record } = await store().create({ name: 'dave', tier: 'free' });
    const counted = countingDb(db());
    const s = store({}, counted.db);
    for (let i = 0; i < 10; i++) expect(await s.authenticate(key)).not.toBeNull();
    await s.flush();
    expect(counted.queries()).toBe(2); // one lookup, one last_used_at write
    const [first] = await store()
      .list({ owner: 'dave' })
      .then((rows) => rows.filter((r) => r.id === record.id));
    expect(first?.lastUsedAt).toBeInstanceOf(Date);
    // A second process touching within the minute changes nothing (the SQL checks the age too).
    const other = store({ cacheTtlMs: 0 });
    await other.authenticate(key);
    await other.flush();
    const [second] = (await store().list({ owner: 'dave' })).filter((r) => r.id === record.id);
    expect(second?.lastUsedAt).toEqual(first?.lastUsedAt);
  });

  it('seeds keys idempotently, named seed:<prefix>, with their tier', async () => {
    const s = store();
    const a = fixedKey('seedalpha');
    const b = fixedKey('seedbravo');
    expect(await s.seed(`${a}:pro, ${b}:enterprise`)).toEqual({ created: 2, existing: 0 });
    expect(await s.seed(`${a}:pro,${b}:enterprise`)).toEqual({ created: 0, existing: 2 });
    expect(await s.authenticate(b)).toMatchObject({ tier: 'enterprise', owner: `seed:${b.slice(0, 12)}` });
    const [record] = await s.list({ owner: `seed:${a.slice(0, 12)}` });
    expect(record).toMatchObject({ name: `seed:${a.slice(0, 12)}`, tier: 'pro' });
  });

  it('refuses a bad seed spec before inserting anything', async () => {
    const s = store();
    const good = fixedKey('seednever');
    await expect(s.seed(`${good}:pro,drt_bad:pro`)).rejects.toMatchObject({
      code: 'INVALID_SEED',
      message: expect.stringMatching(/entry 2/),
    });
    await expect(s.seed(`${good}:platinum`)).rejects.toThrow(/unknown tier "platinum"/);
    expect(await s.authenticate(good)).toBeNull();
  });

  it('refuses bad create input and options', async () => {
    const s = store();
    await expect(s.create({ name: '', tier: 'free' })).rejects.toMatchObject({ code: 'INVALID_KEY_INPUT' });
    await expect(s.create({ name: 'x', tier: 'gold' as never })).rejects.toThrow(AuthError);
    expect(() => new ApiKeyStore(db(), { cacheTtlMs: 20_000 })).toThrow(/within 10 s/);
  });

  it('attaches the configured tier limits, and works behind the Authenticator', async () => {
    const tiers = resolveTierLimits({ free: { maxConnectionsPerKey: 2 } });
    const s = store({ tiers });
    const { key } = await s.create({ name: 'erin', tier: 'free' });
    const auth = new Authenticator({ apiKeys: s });
    const ok = await auth.authenticate({ apiKey: key });
    expect(ok.ok && ok.principal.limits.maxConnectionsPerKey).toBe(2);
    await s.revoke(key);
    expect(await auth.authenticate({ apiKey: key })).toEqual({
      ok: false,
      code: 'UNAUTHORIZED',
      reason: 'API key unknown or revoked',
    });
  });
});
