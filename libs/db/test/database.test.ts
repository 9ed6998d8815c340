import { createDatabase } from '../src/create-database';
import type { DatabaseKind } from '../src/database';
import { DatabaseError } from '../src/errors';
import { migrate, type MigrateResult } from '../src/migrate';
import {
  createTestDatabase,
  databaseUrlForTests,
  requirePostgres,
  uniqueSchemaName,
  type TestDatabase,
} from '../src/testing';
import { migrationTests } from './contract/migrations';
import { notificationTests } from './contract/notifications';
import { queryTests } from './contract/queries';
import { schemaTests } from './contract/schema';
import { uniqueSuffix } from './helpers';

// PGlite compiles its WASM on start (seconds): one instance for the whole file.
const START_TIMEOUT_MS = 120_000;

describe.each<DatabaseKind>(['pglite', 'postgres'])('Database on %s', (kind) => {
  let testDb: TestDatabase | undefined;
  let firstRuns: MigrateResult[] = [];
  const get = (): TestDatabase => {
    if (!testDb) throw new Error('the test database did not start (see beforeAll)');
    return testDb;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(kind, { migrate: false });
    // Two runs at once on a fresh database: the first migration test checks the outcome.
    firstRuns = await Promise.all([migrate(testDb.db), migrate(testDb.db)]);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await testDb?.cleanup();
  });

  it(`reports kind ${kind}`, () => {
    expect(get().db.kind).toBe(kind);
  });

  describe('migrations', () => migrationTests(get, () => firstRuns));
  describe('queries and transactions', () => queryTests(get));
  describe('schema', () => schemaTests(get));
  describe('LISTEN/NOTIFY', () => notificationTests(get));
});

describe('PostgreSQL only', () => {
  const url = databaseUrlForTests();

  it('two processes migrating one fresh schema at once: no error, each file applied once', async () => {
    await requirePostgres(url);
    const schema = uniqueSchemaName('test_concurrent');
    const [a, b] = await Promise.all([createDatabase({ url, schema }), createDatabase({ url, schema })]);
    try {
      const results = await Promise.all([migrate(a), migrate(b)]);
      const applied = results.flatMap((r) => r.applied);
      expect(new Set(applied).size).toBe(applied.length);
      const { rows } = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(applied.length);
    } finally {
      await a.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('LISTENs again after the server drops the listening connection', async () => {
    await requirePostgres(url);
    const db = await createDatabase({ url });
    try {
      const channel = `reconnect_${uniqueSuffix()}`;
      const got: string[] = [];
      await db.listen(channel, (p) => got.push(p));
      const killed = await db.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()',
        [`LISTEN "${channel}"`],
      );
      expect(killed.rows[0]?.n).toBe(1);
      // Notifications sent while it reconnects are lost (documented), so keep sending until one arrives.
      const deadline = Date.now() + 10_000;
      while (got.length === 0 && Date.now() < deadline) {
        await db.query('SELECT pg_notify($1, $2)', [channel, 'again']);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(got[0]).toBe('again');
    } finally {
      await db.close();
    }
  });
});

describe('createDatabase and requirePostgres', () => {
  it('throws a TypeError naming a bad url (password masked)', async () => {
    await expect(createDatabase({ url: 'mysql://root:pw@localhost/db' })).rejects.toThrow(TypeError);
    await expect(createDatabase({ url: 'mysql://root:pw@localhost/db' })).rejects.toThrow(
      'mysql://root:***@localhost/db',
    );
    await expect(createDatabase({ url: databaseUrlForTests(), pgliteDir: '/tmp/x' })).rejects.toThrow(
      /url and pgliteDir/,
    );
    await expect(createDatabase({ url: databaseUrlForTests(), schema: 'Bad-Name' })).rejects.toThrow(
      /Invalid schema option "Bad-Name"/,
    );
  });

  it('rejects quickly with a DatabaseError naming an unreachable server', async () => {
    const started = Date.now();
    const failure = createDatabase({ url: 'postgres://postgres:secret@127.0.0.1:1/test', connectTimeoutMs: 2_000 });
    await expect(failure).rejects.toBeInstanceOf(DatabaseError);
    await expect(failure).rejects.toThrow(/connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test failed/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('requirePostgres rejects within its timeout, naming the URL and how to start PostgreSQL', async () => {
    const { requirePostgres: fromSubpath } = await import('@defi-realtime/db/testing');
    const started = Date.now();
    const failure = fromSubpath('postgres://postgres@127.0.0.1:1/test');
    await expect(failure).rejects.toThrow('postgres://postgres@127.0.0.1:1/test');
    await expect(failure).rejects.toThrow(/pg_ctlcluster 15 main start.*DATABASE_URL/);
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it('requirePostgres resolves when the server answers', async () => {
    await expect(requirePostgres(databaseUrlForTests())).resolves.toBeUndefined();
  });
});
