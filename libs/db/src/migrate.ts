import type { Database, Logger, Transaction } from './database';
import { silentLogger } from './database';
import { DatabaseError, MigrationError } from './errors';
import { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migration-files';

export interface MigrateOptions {
  /** The directory of `NNN_name.sql` files. @default defaultMigrationsDir */
  dir?: string;
  /** Where applied files are reported. @default silent */
  logger?: Logger;
}

export interface MigrateResult {
  /** Files this call applied, in order (empty when the database was up to date). */
  applied: string[];
  /** The highest version now applied (0 when there are no files). */
  version: number;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Serializes migration runs of every process on this schema until the transaction ends.
 * Transaction-scoped, so a crashed process can never leave it held.
 */
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('defi-realtime:migrate:' || current_schema()))`;

/**
 * Apply the migration files not applied yet, in order, each in its own transaction, and
 * record them in schema_migrations. Safe to run at every start-up and from several
 * processes at once. A file changed after it was applied is a MigrationError naming it.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = options.dir ?? defaultMigrationsDir;
  const logger = options.logger ?? silentLogger;
  const files = await readMigrationFiles(dir);

  await db.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.exec(CREATE_TABLE);
  });
  const applied = await readApplied(db);
  for (const file of files) {
    const row = applied.get(file.version);
    if (row) assertUnchanged(file, row);
  }
  const known = new Set(files.map((f) => f.version));
  for (const row of applied.values()) {
    // A newer release may have run already (rolling deploy): not an error for this one.
    if (!known.has(row.version)) logger.warn({ migration: row.name, dir }, 'applied migration has no file here');
  }

  const ran: string[] = [];
  for (const file of files.filter((f) => !applied.has(f.version))) {
    if (await applyOne(db, file)) {
      ran.push(file.name);
      logger.info({ migration: file.name }, 'migration applied');
    }
  }
  return { applied: ran, version: Math.max(0, ...files.map((f) => f.version), ...applied.keys()) };
}

async function readApplied(db: Database): Promise<Map<number, AppliedRow>> {
  const { rows } = await db.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  return new Map(rows.map((row) => [row.version, row]));
}

/** Apply one file under the lock; false when another process applied it meanwhile. */
async function applyOne(db: Database, file: MigrationFile): Promise<boolean> {
  return db.transaction(async (tx: Transaction) => {
    await tx.query(LOCK);
    const { rows } = await tx.query<AppliedRow>(
      'SELECT version, name, checksum FROM schema_migrations WHERE version = $1',
      [file.version],
    );
    if (rows[0]) {
      assertUnchanged(file, rows[0]);
      return false;
    }
    try {
      await tx.exec(file.sql);
    } catch (err) {
      const cause = err as DatabaseError;
      throw new DatabaseError(
        `migrate ${file.name}`,
        cause.message.replace(/^exec failed/, `migrate ${file.name} failed`),
        {
          cause,
          code: cause.code,
          constraint: cause.constraint,
          table: cause.table,
        },
      );
    }
    await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      file.version,
      file.name,
      file.checksum,
    ]);
    return true;
  });
}

function assertUnchanged(file: MigrationFile, row: AppliedRow): void {
  if (row.checksum === file.checksum) return;
  throw new MigrationError(
    'MIGRATION_CHECKSUM_MISMATCH',
    `Migration ${file.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}... in schema_migrations, ` +
      `${file.checksum.slice(0, 12)}... on disk). Never edit an applied migration: restore it and add a new numbered file.`,
    file.name,
  );
}
