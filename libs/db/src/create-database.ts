import type { Database } from './database';
import { migrate } from './migrate';
import { assertPostgresUrl } from './names';
import type { DatabaseOptions } from './options';
import { PgDatabase } from './pg-database';
import { PGliteDatabase } from './pglite-database';

/**
 * Open the database the options describe: PostgreSQL when `url` is given, else embedded
 * PGlite (in memory, or in `pgliteDir`). Invalid options throw a TypeError at once; an
 * unreachable server rejects with a DatabaseError naming the (password-masked) URL.
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  validate(options);
  const { url, pgliteDir, ...rest } = options;
  if (url !== undefined) return PgDatabase.connect({ ...rest, url });
  return PGliteDatabase.create({ pgliteDir, schema: rest.schema, logger: rest.logger });
}

function validate(options: DatabaseOptions): void {
  if (options.url !== undefined) {
    assertPostgresUrl(options.url);
    if (options.pgliteDir !== undefined) {
      throw new TypeError(
        'Options url and pgliteDir exclude each other: url selects PostgreSQL, pgliteDir is only for PGlite',
      );
    }
  }
  if (options.poolSize !== undefined && !(Number.isInteger(options.poolSize) && options.poolSize >= 1)) {
    throw new TypeError(`Invalid poolSize option ${String(options.poolSize)}: expected a whole number >= 1`);
  }
  if (
    options.connectTimeoutMs !== undefined &&
    !(Number.isFinite(options.connectTimeoutMs) && options.connectTimeoutMs > 0)
  ) {
    throw new TypeError(
      `Invalid connectTimeoutMs option ${String(options.connectTimeoutMs)}: expected milliseconds > 0`,
    );
  }
}

/**
 * What an app calls at start-up: open the database `createDatabase` picks and bring its
 * schema up to date. A failed migration closes the connection and rethrows.
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const db = await createDatabase(options);
  try {
    await migrate(db, { logger: options.logger });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
