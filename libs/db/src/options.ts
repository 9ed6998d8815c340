import type { Logger } from './database';

/** How to open a database. `createDatabase` picks the engine from `url`. */
export interface DatabaseOptions {
  /**
   * A PostgreSQL server (`postgres://` or `postgresql://`). Absent: embedded PGlite, so
   * `npm start` works with nothing installed.
   * @default undefined
   */
  url?: string;
  /**
   * Where PGlite keeps its files. Absent: in memory (gone when the process ends). Only for
   * PGlite: giving it with `url` is a TypeError, since one of the two would be ignored.
   * @default undefined
   */
  pgliteDir?: string;
  /**
   * Put every table in this schema (created if missing) instead of `public`, by setting
   * search_path on every connection. Tests use a unique one each to share one server.
   * @default undefined (public)
   */
  schema?: string;
  /** pino-compatible logger for connection trouble and migrations. @default silent */
  logger?: Logger;
  /** Pooled connections to PostgreSQL (the LISTEN connection comes on top). @default 10 */
  poolSize?: number;
  /** Give up connecting to PostgreSQL after this long, so start-up fails instead of hanging. @default 5000 */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity, to tell which app holds a connection. @default 'defi-realtime' */
  applicationName?: string;
}

/** The defaults, in one place. */
export const DATABASE_DEFAULTS = {
  poolSize: 10,
  connectTimeoutMs: 5_000,
  applicationName: 'defi-realtime',
} as const;
