import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from './create-database';
import type { Database, DatabaseKind, Logger } from './database';
import { migrate } from './migrate';
import { assertPostgresUrl, maskUrl, quoteIdent } from './names';

/** Where tests find PostgreSQL unless DATABASE_URL says otherwise (DESIGN section 1). */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** DATABASE_URL, or the default test server. */
export function databaseUrlForTests(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

/**
 * Resolve when PostgreSQL answers at `url`, else reject within about `timeoutMs` with an
 * Error naming the URL and how to start a server: tests fail clearly, never hang or skip.
 * A server that is down refuses at once; the timeout is for one too busy to answer soon.
 */
export async function requirePostgres(url: string = databaseUrlForTests(), timeoutMs = 10_000): Promise<void> {
  assertPostgresUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // the failure is reported by connect() below
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 500);
  });
  try {
    await Promise.race([client.connect().then(() => client.query('SELECT 1')), timeout]);
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${maskUrl(url)} (${(err as Error).message || String(err)}). ` +
        'Start it (e.g. `pg_ctlcluster 15 main start`, or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`) ' +
        'or set DATABASE_URL to a server that is running.',
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other test run uses: `test_<pid>_<random>`. */
export function uniqueSchemaName(prefix = 'test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  db: Database;
  kind: DatabaseKind;
  /** The unique schema on PostgreSQL; `public` on PGlite (its own instance is the isolation). */
  schema: string;
  /** The server, for tests that open more connections to the same schema. Undefined on PGlite. */
  url: string | undefined;
  /** Drop the schema (PostgreSQL) and close. Call in afterAll. */
  cleanup(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the migrations before returning. @default true */
  migrate?: boolean;
  /** @default silent */
  logger?: Logger;
}

/**
 * A database of the given kind for one test file: PGlite in memory, or a unique schema on
 * the test PostgreSQL server (failing clearly when it is not running), migrated unless
 * told otherwise.
 */
export async function createTestDatabase(kind: DatabaseKind, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = kind === 'postgres' ? databaseUrlForTests() : undefined;
  if (url !== undefined) await requirePostgres(url);
  const schema = url === undefined ? undefined : uniqueSchemaName();
  const db = await createDatabase({ url, schema, logger: options.logger });
  const cleanup = async (): Promise<void> => {
    try {
      if (schema !== undefined) await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    } finally {
      await db.close();
    }
  };
  if (options.migrate ?? true) {
    try {
      await migrate(db, { logger: options.logger });
    } catch (err) {
      await cleanup();
      throw err;
    }
  }
  return { db, kind, schema: db.schema, url, cleanup };
}
