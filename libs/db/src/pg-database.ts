import pg from 'pg';
import type { Database, Logger, NotificationHandler, QueryResult, Transaction, Unlisten } from './database';
import { silentLogger } from './database';
import { DatabaseError, toDatabaseError } from './errors';
import { assertPostgresUrl, assertSchemaName, maskUrl, quoteIdent } from './names';
import { DATABASE_DEFAULTS, type DatabaseOptions } from './options';
import { PgListener } from './pg-listener';

/** Options of a PostgreSQL-backed database; `url` is required here. */
export type PgDatabaseOptions = Omit<DatabaseOptions, 'pgliteDir' | 'url'> & { url: string };

/** The Database on a PostgreSQL server: a pg Pool for queries, one dedicated connection for LISTEN. */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  #schema: string;
  readonly #pool: pg.Pool;
  readonly #listener: PgListener;
  readonly #logger: Logger;
  readonly #url: string;
  #closing: Promise<void> | undefined;

  private constructor(options: PgDatabaseOptions) {
    const { url, schema, poolSize, connectTimeoutMs, applicationName } = { ...DATABASE_DEFAULTS, ...options };
    this.#schema = schema ?? 'public';
    this.#url = url;
    this.#logger = options.logger ?? silentLogger;
    const common: pg.ClientConfig = {
      connectionString: url,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      // A connection parameter, so it holds on every pooled connection from its first query.
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    };
    this.#pool = new pg.Pool({ ...common, max: poolSize, application_name: applicationName });
    // An idle client losing its server emits here; without a handler the process would crash.
    this.#pool.on('error', (err) => this.#logger.warn({ err }, 'idle PostgreSQL connection failed'));
    this.#listener = new PgListener({ ...common, application_name: `${applicationName}:listen` }, this.#logger);
  }

  /** Connect once (failing fast when the server is unreachable) and create the schema if asked. */
  static async connect(options: PgDatabaseOptions): Promise<PgDatabase> {
    assertPostgresUrl(options.url);
    if (options.schema !== undefined) assertSchemaName(options.schema);
    const db = new PgDatabase(options);
    try {
      await db.#checkConnection();
      if (options.schema !== undefined) await db.#createSchema(options.schema);
      else await db.#learnSchema();
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    this.#assertOpen('query');
    return runQuery<T>(this.#pool, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen('exec');
    await runExec(this.#pool, sql);
  }

  async transaction<R>(fn: (tx: Transaction) => Promise<R>): Promise<R> {
    this.#assertOpen('transaction');
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw toDatabaseError('begin', err);
    }
    try {
      await client.query('BEGIN');
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw toDatabaseError('begin', err);
    }
    const tx = new ClientTransaction(client);
    let result: R;
    try {
      result = await fn(tx);
    } catch (err) {
      tx.finish();
      await this.#rollback(client);
      throw err;
    }
    tx.finish();
    let commit: pg.QueryResult;
    try {
      commit = await client.query('COMMIT');
      client.release();
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw toDatabaseError('commit', err);
    }
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error: a
    // statement error that fn caught and ignored would otherwise lose the writes silently.
    // PGlite throws 25P02 in that case; do the same here.
    if (commit.command === 'ROLLBACK') {
      throw new DatabaseError(
        'commit',
        'commit failed (25P02): the transaction was rolled back because a statement in it failed',
        { code: '25P02' },
      );
    }
    return result;
  }

  async listen(channel: string, handler: NotificationHandler): Promise<Unlisten> {
    this.#assertOpen('listen');
    return this.#listener.listen(channel, handler);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#listener.close();
      await this.#pool.end().catch((err: unknown) => this.#logger.warn({ err }, 'closing the PostgreSQL pool failed'));
    })();
    return this.#closing;
  }

  async #rollback(client: pg.PoolClient): Promise<void> {
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (err) {
      // A connection that cannot roll back is not put back in the pool.
      client.release(err instanceof Error ? err : true);
      this.#logger.warn({ err }, 'ROLLBACK failed; connection discarded');
    }
  }

  /** The schema everything lives in: the `schema` option, else the URL's search_path (`?options=-c search_path=...`), else `public`. */
  get schema(): string {
    return this.#schema;
  }

  // A URL can set search_path itself; NOTIFY channels are named after the schema, so
  // listeners must know the real one, not assume `public`.
  async #learnSchema(): Promise<void> {
    const { rows } = await this.#pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    if (rows[0]?.schema) this.#schema = rows[0].schema;
  }

  async #checkConnection(): Promise<void> {
    try {
      (await this.#pool.connect()).release();
    } catch (err) {
      throw toDatabaseError(`connect to ${maskUrl(this.#url)}`, err);
    }
  }

  async #createSchema(schema: string): Promise<void> {
    try {
      await this.#pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } catch (err) {
      // Two processes creating it at once: IF NOT EXISTS still races on the catalog's
      // unique index (23505) or reports it exists (42P06). Either way it is there now.
      const code = (err as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw toDatabaseError('create schema', err);
    }
  }

  #assertOpen(operation: string): void {
    if (this.#closing) throw new DatabaseError(operation, `${operation} failed: the database is closed`);
  }
}

/** A transaction's queries, pinned to the one client that ran BEGIN. */
class ClientTransaction implements Transaction {
  #finished = false;
  constructor(private readonly client: pg.PoolClient) {}

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    this.#assertActive('query');
    return runQuery<T>(this.client, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.#assertActive('exec');
    await runExec(this.client, sql);
  }

  finish(): void {
    this.#finished = true;
  }

  // A query fired after the function settled would run outside the transaction (or on a
  // connection already serving someone else): refuse it.
  #assertActive(operation: string): void {
    if (this.#finished) throw new DatabaseError(operation, `${operation} failed: the transaction has already ended`);
  }
}

async function runQuery<T>(
  target: pg.Pool | pg.PoolClient,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<T>> {
  try {
    const result = await target.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
  } catch (err) {
    throw toDatabaseError('query', err, params, sql);
  }
}

async function runExec(target: pg.Pool | pg.PoolClient, sql: string): Promise<void> {
  try {
    // Without parameters pg uses the simple protocol, which accepts several statements.
    await target.query(sql);
  } catch (err) {
    throw toDatabaseError('exec', err, undefined, sql);
  }
}
