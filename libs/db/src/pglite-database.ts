import path from 'node:path';
import { PGlite, types, type Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { Database, Logger, NotificationHandler, QueryResult, Transaction, Unlisten } from './database';
import { silentLogger } from './database';
import { DatabaseError, toDatabaseError } from './errors';
import { assertChannelName, assertSchemaName, quoteIdent } from './names';
import { createSerialQueue, HandlerRegistry } from './notifications';
import type { DatabaseOptions } from './options';

/** Options of an embedded database. */
export type PGliteDatabaseOptions = Pick<DatabaseOptions, 'pgliteDir' | 'schema' | 'logger'>;

/**
 * pg returns int8 as a string (exact); PGlite would return a number or a bigint depending
 * on the value. Parse it as pg does, so code behaves the same on both engines.
 */
const PARSERS = { [types.INT8]: (value: string) => value };

/** Anything with PGlite's query/exec: the instance itself or one of its transactions. */
type PGliteQueryable = Pick<PGlite, 'query' | 'exec'>;

/**
 * The Database embedded in this process: PostgreSQL compiled to WASM (PGlite), in memory or
 * in a directory. One session, so queries run one at a time; fine for a demo and tests.
 */
export class PGliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly schema: string;
  readonly #pg: PGlite;
  readonly #handlers: HandlerRegistry;
  readonly #serial = createSerialQueue();
  #closing: Promise<void> | undefined;

  private constructor(pg: PGlite, schema: string | undefined, logger: Logger) {
    this.#pg = pg;
    this.schema = schema ?? 'public';
    this.#handlers = new HandlerRegistry(logger);
    // LISTEN is issued by us with the name quoted; PGlite's own listen() would lower-case it.
    pg.onNotification((channel, payload) => this.#handlers.dispatch(channel, payload));
  }

  /** Start PGlite (a few seconds: it compiles its WASM) and create the schema if asked. */
  static async create(options: PGliteDatabaseOptions = {}): Promise<PGliteDatabase> {
    if (options.schema !== undefined) assertSchemaName(options.schema);
    const dir = options.pgliteDir === undefined ? undefined : path.resolve(options.pgliteDir);
    let pg: PGlite;
    try {
      pg = await PGlite.create(dir, { parsers: PARSERS });
    } catch (err) {
      throw openError(dir, err);
    }
    const db = new PGliteDatabase(pg, options.schema, options.logger ?? silentLogger);
    if (options.schema !== undefined) {
      const name = quoteIdent(options.schema);
      try {
        // One session, so setting search_path once holds for every later query.
        await db.exec(`CREATE SCHEMA IF NOT EXISTS ${name}; SET search_path TO ${name}`);
      } catch (err) {
        await db.close();
        throw err;
      }
    }
    return db;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    this.#assertOpen('query');
    return runQuery<T>(this.#pg, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen('exec');
    await runExec(this.#pg, sql);
  }

  async transaction<R>(fn: (tx: Transaction) => Promise<R>): Promise<R> {
    this.#assertOpen('transaction');
    // Whatever fn throws goes back to the caller unchanged; anything else is PGlite's
    // BEGIN/COMMIT failing and gets wrapped.
    const thrownByFn: { error?: unknown } = {};
    try {
      return await this.#pg.transaction(async (inner) => {
        const tx = new PGliteTx(inner);
        try {
          return await fn(tx);
        } catch (err) {
          thrownByFn.error = err;
          throw err;
        } finally {
          tx.finish();
        }
      });
    } catch (err) {
      if ('error' in thrownByFn && err === thrownByFn.error) throw err;
      throw toDatabaseError('commit', err);
    }
  }

  async listen(channel: string, handler: NotificationHandler): Promise<Unlisten> {
    this.#assertOpen('listen');
    assertChannelName(channel);
    return this.#serial(async () => {
      if (this.#handlers.add(channel, handler)) {
        try {
          await this.#pg.exec(`LISTEN ${quoteIdent(channel)}`);
        } catch (err) {
          this.#handlers.remove(channel, handler);
          throw toDatabaseError('listen', err);
        }
      }
      let done = false;
      return () => {
        if (done || this.#closing) return Promise.resolve();
        done = true;
        return this.#serial(async () => {
          if (!this.#handlers.remove(channel, handler) || this.#closing) return;
          await this.#pg.exec(`UNLISTEN ${quoteIdent(channel)}`).catch((err: unknown) => {
            throw toDatabaseError('unlisten', err);
          });
        });
      };
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      // Let a LISTEN/UNLISTEN in flight finish before the instance goes away.
      await this.#serial(async () => undefined);
      try {
        await this.#pg.close();
      } catch (err) {
        throw toDatabaseError('close', err);
      }
    })();
    return this.#closing;
  }

  #assertOpen(operation: string): void {
    if (this.#closing) throw new DatabaseError(operation, `${operation} failed: the database is closed`);
  }
}

/** A transaction's queries, refused once the transaction's function has settled. */
class PGliteTx implements Transaction {
  #finished = false;
  constructor(private readonly inner: PGliteTransaction) {}

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    this.#assertActive('query');
    return runQuery<T>(this.inner, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.#assertActive('exec');
    await runExec(this.inner, sql);
  }

  finish(): void {
    this.#finished = true;
  }

  #assertActive(operation: string): void {
    if (this.#finished) throw new DatabaseError(operation, `${operation} failed: the transaction has already ended`);
  }
}

/** Why PGlite did not start; under Jest the usual cause gets its fix spelled out. */
function openError(dir: string | undefined, err: unknown): DatabaseError {
  const wrapped = toDatabaseError(`open PGlite ${dir ?? 'in memory'}`, err);
  if ((err as { code?: unknown }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG') return wrapped;
  const hint = ' (PGlite loads its WASM with a dynamic import: run Jest with NODE_OPTIONS=--experimental-vm-modules)';
  return new DatabaseError(wrapped.operation, wrapped.message + hint, { cause: err });
}

async function runQuery<T>(target: PGliteQueryable, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
  try {
    const result = await target.query<T>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
  } catch (err) {
    throw toDatabaseError('query', err, params, sql);
  }
}

async function runExec(target: PGliteQueryable, sql: string): Promise<void> {
  try {
    await target.exec(sql);
  } catch (err) {
    throw toDatabaseError('exec', err, undefined, sql);
  }
}
