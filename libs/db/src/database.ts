/** Which engine answers: a PostgreSQL server through `pg`, or PGlite embedded in this process. */
export type DatabaseKind = 'postgres' | 'pglite';

/** Rows of one statement, typed by the caller (the driver does not check `T`). */
export interface QueryResult<T> {
  rows: T[];
  /** Rows returned (SELECT) or changed (INSERT/UPDATE/DELETE) by the statement. */
  rowCount: number;
}

/** What a pool and a transaction both offer. */
export interface Queryable {
  /**
   * Run one statement with `$1..$n` parameters. Results are typed the same on both engines:
   * numeric and int8 as string (exact), float8/int4 as number, timestamptz as Date, jsonb
   * parsed, arrays as arrays. Pass jsonb arrays as `JSON.stringify(value)` (pg would send a
   * JS array as a PostgreSQL array literal).
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Run a script of several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
}

/** Queries inside one transaction. Only valid until the transaction's function settles. */
export type Transaction = Queryable;

/** Receives the payload of every NOTIFY on a channel this process listens to. */
export type NotificationHandler = (payload: string) => void;

/** Stops one handler; the last one removed for a channel runs UNLISTEN. Idempotent. */
export type Unlisten = () => Promise<void>;

/**
 * One small query interface over PostgreSQL or PGlite (DESIGN section 6). Every failure
 * from the driver surfaces as a DatabaseError.
 */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** The schema everything lives in (`public` unless one was given). */
  readonly schema: string;

  /**
   * Run `fn` in one transaction: committed when it resolves, rolled back when it throws, and
   * the thrown error rethrown as is (driver errors inside are already DatabaseErrors with
   * their cause). Inside, use only `tx`: on PGlite, `db.query` would wait for this very
   * transaction to end.
   */
  transaction<R>(fn: (tx: Transaction) => Promise<R>): Promise<R>;

  /**
   * LISTEN to `channel` (its exact name, case-sensitive, like `pg_notify`'s first argument).
   * Resolves once notifications will arrive. Notifications sent while a PostgreSQL listener
   * connection was being re-established are lost: consumers reconcile from the tables.
   */
  listen(channel: string, handler: NotificationHandler): Promise<Unlisten>;

  /** Stop listening, end every connection (or the embedded instance). Idempotent. */
  close(): Promise<void>;
}

/** Structured logging as pino does it; an app passes its pino logger. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The default: libraries stay silent unless given a logger. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
