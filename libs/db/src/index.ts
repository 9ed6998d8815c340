export type {
  Database,
  DatabaseKind,
  Logger,
  NotificationHandler,
  QueryResult,
  Queryable,
  Transaction,
  Unlisten,
} from './database';
export type { DatabaseOptions } from './options';
export { DATABASE_DEFAULTS } from './options';
export { createDatabase, openDatabase } from './create-database';
export { PgDatabase, type PgDatabaseOptions } from './pg-database';
export { PGliteDatabase, type PGliteDatabaseOptions } from './pglite-database';
export { DatabaseError, MigrationError, type MigrationErrorCode } from './errors';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate';
export { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migration-files';
export { changeChannel, suppressChangeNotifications, CHANGE_NOTIFY_SETTING, type ChangeTable } from './changes';
