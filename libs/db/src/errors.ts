/** Fields of a server error that are safe to copy: names, never values. */
interface DriverErrorFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  message?: unknown;
}

/**
 * Any failure of the driver, wrapped once at this library's boundary. `code` is the
 * SQLSTATE when the server sent one (23505 unique violation, 23514 check violation, ...),
 * so callers branch on codes, never on driver classes or message text. The message names
 * the operation and never contains parameter values; the driver's error stays in `cause`.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  /** SQLSTATE, e.g. `23505`. Undefined for client-side failures (connection refused, ...). */
  readonly code: string | undefined;
  /** What was being done: `query`, `exec`, `connect`, `commit`, `listen`, `migrate 001_initial.sql`, ... */
  readonly operation: string;
  /** The violated constraint, when the server named one (e.g. `api_keys_key_hash_key`). */
  readonly constraint: string | undefined;
  /** The table concerned, when the server named one. */
  readonly table: string | undefined;

  constructor(
    operation: string,
    message: string,
    options: { cause?: unknown; code?: string; constraint?: string; table?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.operation = operation;
    this.code = options.code;
    this.constraint = options.constraint;
    this.table = options.table;
  }
}

/** Why a migration run refused to go on. */
export type MigrationErrorCode =
  'MIGRATIONS_DIR_MISSING' | 'MIGRATION_BAD_NAME' | 'MIGRATION_DUPLICATE_VERSION' | 'MIGRATION_CHECKSUM_MISMATCH';

/** A problem with the migration files themselves (not with running their SQL). */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    /** The file concerned, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}

/**
 * Wrap whatever the driver threw. `params` are only used to redact their values from the
 * driver's message (PostgreSQL quotes bad input in messages: `invalid input syntax for
 * type integer: "..."`), because messages end up in logs and HTTP error bodies.
 */
export function toDatabaseError(
  operation: string,
  err: unknown,
  params?: readonly unknown[],
  sql?: string,
): DatabaseError {
  if (err instanceof DatabaseError) return err;
  const fields: DriverErrorFields = typeof err === 'object' && err !== null ? err : {};
  // Node's socket errors have codes too (EPIPE has five letters, like a SQLSTATE) and a syscall.
  const isSqlState = typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code) && !('syscall' in fields);
  const code = isSqlState ? (fields.code as string) : undefined;
  const raw = driverMessage(err);
  const where = sql === undefined ? '' : ` [${summarizeSql(sql)}]`;
  const message = `${operation} failed${code ? ` (${code})` : ''}: ${redact(raw, params ?? [])}${where}`;
  // PGlite copies the parameters onto its error; drop them so a logged cause cannot leak them.
  if ('params' in fields) (fields as { params?: unknown }).params = undefined;
  return new DatabaseError(operation, message, {
    cause: err,
    code,
    constraint: typeof fields.constraint === 'string' ? fields.constraint : undefined,
    table: typeof fields.table === 'string' ? fields.table : undefined,
  });
}

/** The start of a statement, comments dropped, to tell which query failed. */
export function summarizeSql(sql: string, max = 80): string {
  const flat = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The driver's message; Node's AggregateError (several addresses refused) has an empty one. */
function driverMessage(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    errors?: unknown;
    code?: unknown;
  };
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  const first: unknown = Array.isArray(e.errors) ? e.errors[0] : undefined;
  if (first instanceof Error && first.message !== '') return first.message;
  if (typeof e.code === 'string') return e.code;
  return String(err);
}

function redact(message: string, params: readonly unknown[]): string {
  let out = message;
  params.forEach((param, i) => {
    for (const text of textForms(param)) {
      if (text === '') continue;
      out = out.split(`"${text}"`).join(`"$${i + 1}"`);
      // Unquoted occurrences too, once long enough not to erase ordinary words and digits.
      if (text.length >= 4) out = out.split(text).join(`$${i + 1}`);
    }
  });
  return out;
}

function textForms(value: unknown, depth = 0): string[] {
  if (value === null || value === undefined) return [];
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? [] : [value.toISOString()];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value) && depth < 2)
    return [JSON.stringify(value), ...value.flatMap((v) => textForms(v, depth + 1))];
  try {
    return [JSON.stringify(value)];
  } catch {
    return [];
  }
}
